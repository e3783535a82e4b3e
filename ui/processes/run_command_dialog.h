// "Run command…": a command line for a new background process, run with
// /bin/sh -c so that pipes, quoting and && work as in a terminal, and an
// optional working directory inside the sandbox.
#pragma once

#include <QDialog>

class QLineEdit;
class QPushButton;

namespace paddock::ui {

class RunCommandDialog : public QDialog {
    Q_OBJECT
public:
    RunCommandDialog(const QString &sandboxName, QWidget *parent = nullptr);

    QLineEdit *commandEdit() const { return m_command; }
    QLineEdit *directoryEdit() const { return m_directory; }
    QPushButton *runButton() const { return m_run; }

    QStringList argv() const; // { "/bin/sh", "-c", command }
    QString directory() const; // empty: the sandbox's default (/root)

private:
    QLineEdit *m_command;
    QLineEdit *m_directory;
    QPushButton *m_run;
};

} // namespace paddock::ui
