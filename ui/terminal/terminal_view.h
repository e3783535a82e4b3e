// One terminal: the xterm.js page in a QWebEngineView, bridged to a
// TerminalHost by QWebChannel.
#pragma once

#include "terminal_host.h"

#include <QWebEngineView>

class QWebChannel;

namespace paddock::ui {

class TerminalView : public QWebEngineView {
    Q_OBJECT
public:
    TerminalView(EngineBridge &engine, const QString &sandboxId, const QStringList &argv, QWidget *parent = nullptr);
    TerminalHost &host() { return *m_host; }

private:
    TerminalHost *m_host;
    QWebChannel *m_channel;
};

} // namespace paddock::ui
