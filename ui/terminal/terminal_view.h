// One terminal: the xterm.js page in a QWebEngineView, bridged to a
// TerminalHost by QWebChannel. With the keyboard focus it claims every key
// a terminal reads from the window's shortcuts (terminal_keys.h).
#pragma once

#include "terminal_host.h"

#include <QWebEngineView>

class QWebChannel;

namespace paddock::ui {

class TerminalView : public QWebEngineView {
    Q_OBJECT
public:
    TerminalView(EngineBridge &engine, TerminalAppearance &appearance, const QString &sandboxId,
        const QStringList &argv, QWidget *parent = nullptr);
    TerminalHost &host() { return *m_host; }

    // Gives the terminal the keyboard: Qt's focus and, inside the page,
    // xterm's (now, or once the page is up).
    void focusTerminal();

protected:
    bool event(QEvent *event) override;

private:
    TerminalHost *m_host;
    QWebChannel *m_channel;
};

} // namespace paddock::ui
