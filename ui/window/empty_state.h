// What the right side shows while there are no sandboxes: what a sandbox is,
// a button that creates the first one, and the command line that does the same.
#pragma once

#include <QWidget>

class QPushButton;

namespace paddock::ui {

class EmptyState : public QWidget {
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);
    QPushButton *createButton() const { return m_create; }
    static QString cliLine(); // the CLI's way to do what the button does

Q_SIGNALS:
    void createRequested();

private:
    QPushButton *m_create;
};

} // namespace paddock::ui
