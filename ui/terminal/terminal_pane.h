// One tab of the Terminal page: a terminal and, once its session has
// ended, a bar that says so plainly with Reconnect (when the sandbox runs)
// and Close — instead of a dead screen that ignores the keyboard.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace paddock::ui {

class EngineBridge;
class TerminalAppearance;
class TerminalView;

class TerminalPane : public QWidget {
    Q_OBJECT
public:
    TerminalPane(EngineBridge &engine, TerminalAppearance &appearance, const QString &sandboxId,
        QString title, QWidget *parent = nullptr);

    TerminalView *view() const { return m_view; }
    QString title() const; // marked when the session has ended
    void setSandboxRunning(bool running);

Q_SIGNALS:
    void titleChanged();
    void closeRequested();

protected:
    bool event(QEvent *event) override;

private:
    void showEnded();

    TerminalView *m_view;
    QWidget *m_bar;
    QLabel *m_message;
    QPushButton *m_reconnect;
    QString m_title;
    bool m_sandboxRunning = true;
};

} // namespace paddock::ui
