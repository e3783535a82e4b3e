// The object the terminal page talks to over QWebChannel. It runs one
// command on a terminal inside a sandbox (through the EngineBridge) and
// relays bytes and sizes between it and xterm.js. When the command ends
// (it exited, the sandbox stopped, the engine dropped it) the host says
// so, and reconnect() runs the command again in the same terminal.
#pragma once

#include "output_coalescer.h"
#include "output_inbox.h"
#include "terminal_appearance.h"

#include "engine_bridge.h"

#include <QPointer>

#include <memory>

namespace paddock::ui {

class TerminalHost : public QObject {
    Q_OBJECT
public:
    TerminalHost(EngineBridge &engine, TerminalAppearance &appearance, QString sandboxId,
        QStringList argv, QObject *parent = nullptr);
    ~TerminalHost() override;

    bool isRunning() const { return m_session && !m_ended; }
    bool hasEnded() const { return m_ended; }
    bool isPageReady() const { return m_pageReady; }
    // Why the command ended, for people: "exit 0", "killed by signal 9", an error.
    QString endReason() const { return m_endReason; }
    std::optional<ExitStatus> exitStatus() const { return m_exit; }
    // Starts the command again in this terminal, once it has ended.
    void reconnect();

public Q_SLOTS:
    // Called by the page.
    void ready(int rows, int cols); // the page is up: start the command at this size
    void sendInput(const QString &data);
    void resize(int rows, int cols);
    void copy(const QString &text);
    QString clipboardText() const;
    QVariantMap appearance() const { return m_appearance.forPage(); }
    void zoom(int steps) { m_appearance.zoom(steps); } // Ctrl+= / Ctrl+- / Ctrl+0 in the page

Q_SIGNALS:
    void output(const QString &base64); // to the page
    void appearanceChanged(const QVariantMap &appearance); // to the page
    void focusRequested(); // to the page: put the keyboard in xterm
    void pageReady();
    void started();
    void ended(const QString &reason);
    void finished(paddock::ExitStatus status);

private:
    void start();
    void drain(quint64 generation);
    void onEnded(quint64 generation, const QString &reason);

    EngineBridge &m_engine;
    TerminalAppearance &m_appearance;
    QString m_sandboxId;
    QStringList m_argv;
    OutputCoalescer m_coalescer;
    std::shared_ptr<OutputInbox>
        m_inbox; // the current session's output, filled on the engine thread
    QPointer<ExecSession> m_session; // lives on the engine thread
    TerminalSize m_size;
    std::optional<ExitStatus> m_exit;
    QString m_endReason;
    quint64 m_generation = 0; // one per start: late signals of an earlier session are dropped
    bool m_pageReady = false;
    bool m_starting = false;
    bool m_ended = false;
};

} // namespace paddock::ui
