// The object the terminal page talks to over QWebChannel. It runs one
// command on a terminal inside a sandbox (through the EngineBridge) and
// relays bytes and sizes between it and xterm.js.
#pragma once

#include "output_coalescer.h"

#include "engine_bridge.h"

#include <QPointer>

namespace paddock::ui {

class TerminalHost : public QObject {
    Q_OBJECT
public:
    TerminalHost(EngineBridge &engine, QString sandboxId, QStringList argv, QObject *parent = nullptr);
    ~TerminalHost() override;

    bool isRunning() const { return m_session && !m_exit; }
    std::optional<ExitStatus> exitStatus() const { return m_exit; }

public Q_SLOTS:
    // Called by the page.
    void ready(int rows, int cols); // the page is up: start the command at this size
    void sendInput(const QString &data);
    void resize(int rows, int cols);
    void copy(const QString &text);
    QString clipboardText() const;

Q_SIGNALS:
    void output(const QString &base64); // to the page
    void started();
    void finished(paddock::ExitStatus status);

private:
    void start(TerminalSize size);
    void onEngineOutput(const QByteArray &bytes);
    void onEnded(const QString &message);

    EngineBridge &m_engine;
    QString m_sandboxId;
    QStringList m_argv;
    OutputCoalescer m_coalescer;
    QPointer<ExecSession> m_session; // lives on the engine thread
    std::optional<ExitStatus> m_exit;
    bool m_starting = false;
};

} // namespace paddock::ui
