// A running sandbox as the engine sees it: the connection to its
// paddock-init and the requests made over it.
//
// Thread ownership: the engine thread.
#pragma once

#include "init_connection.h"
#include "init_process.h"

#include "paddock/exec_session.h"
#include "paddock/process.h"

#include <QObject>

namespace paddock::sandbox {

class SandboxRuntime : public QObject {
    Q_OBJECT
public:
    SandboxRuntime(QString sandboxId, InitProcess init, std::unique_ptr<InitConnection> conn);
    ~SandboxRuntime() override;

    QString sandboxId() const { return m_sandboxId; }
    // 0 when PID 1 could not be proven (see init_process.h).
    qint64 initPid() const { return m_init.pid; }
    // How errors name the sandbox ("sandbox 'web'"); kept current on rename.
    void setLabel(const QString &label) { m_label = label; }

    // Starts a foreground command; output and end go to `session`.
    void exec(const CommandSpec &cmd, ExecSession *session);
    void spawn(const QString &procId, const CommandSpec &cmd,
               std::function<void(Result<qint64>)> done);
    void kill(const QString &procId, int signal, std::function<void(Result<void>)> done);
    void listProcesses(std::function<void(Result<std::vector<wire::ProcessEntry>>)> done);
    // Asks PID 1 to end every process and exit; stopped() follows.
    void shutdown(int graceMs);
    // SIGKILL to PID 1 (through a pidfd, so a recycled pid is never hit):
    // the kernel then ends every process of the sandbox.
    void forceKill();

Q_SIGNALS:
    void backgroundExited(const QString &procId, paddock::ExitStatus status);
    void stopped(const QString &reason);

private:
    wire::Exec execMessage(const CommandSpec &cmd) const;
    void onConnectionClosed(const QString &reason);
    // The error of a Failed answer; one that timed out names the sandbox.
    Error answerError(const wire::Frame &f) const;
    InitConnection::Deadline deadline(int firstAnswerMs, const QString &what) const;

    QString m_sandboxId;
    QString m_label;
    InitProcess m_init;
    std::unique_ptr<InitConnection> m_conn;
};

// The environment every command starts with; CommandSpec::env adds to it.
QStringList defaultEnvironment();

Error failedFrameError(const wire::Frame &f);

} // namespace paddock::sandbox
