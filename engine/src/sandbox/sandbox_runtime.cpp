#include "sandbox_runtime.h"

#include "request_deadlines.h"
#include "trust_layer.h"

#include <QPointer>
#include <QSocketNotifier>

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace paddock::sandbox {

namespace {

std::vector<std::string> toStd(const QStringList &list)
{
    std::vector<std::string> out;
    for (const QString &s : list)
        out.push_back(s.toStdString());
    return out;
}

// Later entries override earlier ones with the same name.
QStringList mergeEnvironment(QStringList base, const QStringList &extra)
{
    for (const QString &kv : extra) {
        QString key = kv.section(QLatin1Char('='), 0, 0) + QLatin1Char('=');
        base.erase(std::remove_if(base.begin(), base.end(),
                                  [&](const QString &e) { return e.startsWith(key); }),
                   base.end());
        base.append(kv);
    }
    return base;
}

} // namespace

QStringList defaultEnvironment()
{
    return QStringList { QStringLiteral("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                         QStringLiteral("HOME=/root"), QStringLiteral("USER=root"),
                         QStringLiteral("LANG=C.UTF-8"), QStringLiteral("TERM=xterm-256color") }
        + trustEnvironment();
}

Error failedFrameError(const wire::Frame &f)
{
    wire::Failed failed;
    if (!wire::decodeMessage(f, failed))
        return Error { ErrorCode::Protocol, QStringLiteral("malformed answer from paddock-init") };
    QString message = QString::fromStdString(failed.message);
    ErrorCode code = ErrorCode::Internal;
    if (failed.error == ENOENT && message.endsWith(QLatin1String("command not found")))
        code = ErrorCode::CommandNotFound;
    else if (failed.error == EACCES || failed.error == ENOEXEC)
        code = ErrorCode::NotExecutable;
    else if (failed.error == ESRCH)
        code = ErrorCode::NotFound;
    else if (failed.error == ECONNRESET || failed.error == ESHUTDOWN)
        code = ErrorCode::NotRunning;
    else if (failed.error == ETIMEDOUT)
        code = ErrorCode::Timeout;
    else if (failed.error == ENOENT || failed.error == ENOTDIR || failed.error == EINVAL)
        code = ErrorCode::InvalidArgument;
    return Error { code, message, {}, failed.error };
}

SandboxRuntime::SandboxRuntime(QString sandboxId, InitProcess init, std::unique_ptr<InitConnection> conn)
    : m_sandboxId(std::move(sandboxId))
    , m_label(QStringLiteral("sandbox %1").arg(m_sandboxId))
    , m_init(std::move(init))
    , m_conn(std::move(conn))
{
    connect(m_conn.get(), &InitConnection::backgroundExited, this, &SandboxRuntime::backgroundExited);
    connect(m_conn.get(), &InitConnection::closed, this, &SandboxRuntime::onConnectionClosed);
}

void SandboxRuntime::onConnectionClosed(const QString &reason)
{
    // PID 1 closes its connections only as it exits; if it did not (a
    // protocol violation, or it hangs), a sandbox nobody can control is
    // ended rather than left running. Fail closed.
    forceKill();
    if (!m_init.proven())
        return Q_EMIT stopped(reason);
    // Stopped means gone: the pidfd turns readable once the process has exited.
    auto *exited = new QSocketNotifier(m_init.pidfd.get(), QSocketNotifier::Read, this);
    connect(exited, &QSocketNotifier::activated, this, [this, exited, reason] {
        exited->setEnabled(false);
        Q_EMIT stopped(reason);
    });
}

SandboxRuntime::~SandboxRuntime()
{
    m_conn->disconnect(this);
}

void SandboxRuntime::forceKill()
{
    if (m_init.proven())
        ::syscall(SYS_pidfd_send_signal, m_init.pidfd.get(), SIGKILL, nullptr, 0);
}

Error SandboxRuntime::answerError(const wire::Frame &f) const
{
    Error e = failedFrameError(f);
    return e.sysErrno == ETIMEDOUT ? e.withContext(m_label) : e;
}

InitConnection::Deadline SandboxRuntime::deadline(int firstAnswerMs, const QString &what) const
{
    return InitConnection::Deadline { firstAnswerMs, 0, what };
}

namespace {

QString commandName(const CommandSpec &cmd)
{
    return QStringLiteral("'%1'").arg(cmd.argv.value(0).left(100));
}

} // namespace

wire::Exec SandboxRuntime::execMessage(const CommandSpec &cmd) const
{
    wire::Exec m;
    m.argv = toStd(cmd.argv);
    m.env = toStd(mergeEnvironment(defaultEnvironment(), cmd.env));
    m.cwd = cmd.cwd.isEmpty() ? std::string("/root") : cmd.cwd.toStdString();
    if (cmd.terminal) {
        m.flags |= wire::kExecTerminal;
        m.rows = cmd.terminal->rows;
        m.cols = cmd.terminal->cols;
    } else if (cmd.openStdin) {
        m.flags |= wire::kExecStdin;
    }
    return m;
}

void SandboxRuntime::exec(const CommandSpec &cmd, ExecSession *session)
{
    QPointer<ExecSession> guard(session);
    QPointer<const SandboxRuntime> self(this);
    auto onAnswer = [guard, self](const wire::Frame &f) {
        if (!guard)
            return true;
        switch (wire::Type(f.type)) {
        case wire::Type::Started: {
            wire::Started started;
            if (wire::decodeMessage(f, started))
                Q_EMIT guard->started(started.pid);
            return false;
        }
        case wire::Type::Output: {
            wire::Output out;
            if (wire::decodeMessage(f, out))
                Q_EMIT guard->output(OutputStream(out.stream), QByteArray::fromStdString(out.data));
            return false;
        }
        case wire::Type::Exited: {
            wire::Exited exited;
            if (!wire::decodeMessage(f, exited)) {
                Q_EMIT guard->failed(Error { ErrorCode::Protocol, QStringLiteral("malformed exit status") });
                return true;
            }
            Q_EMIT guard->finished(ExitStatus { exited.exitCode, exited.signal });
            return true;
        }
        case wire::Type::Failed:
            Q_EMIT guard->failed(self ? self->answerError(f) : failedFrameError(f));
            return true;
        default:
            return false;
        }
    };
    // Until Started; a running command may then stay quiet for as long as it likes.
    uint32_t tag = m_conn->request(wire::Type::Exec, execMessage(cmd), std::move(onAnswer),
                                   deadline(deadlines::kExecStartMs, QStringLiteral("exec of ") + commandName(cmd)));
    // Everything else about the command travels with its tag.
    QPointer<InitConnection> conn(m_conn.get());
    session->m_controls.kill = [conn, tag](int signal) {
        if (conn)
            conn->sendWithTag(wire::Type::Kill, tag, wire::Kill { {}, signal });
    };
    session->m_controls.write = [conn, tag](const QByteArray &data) {
        // Frames are bounded: long input goes in pieces.
        for (qsizetype at = 0; conn && at < data.size(); at += qsizetype(wire::kMaxChunk))
            conn->sendWithTag(wire::Type::Input, tag,
                              wire::Input { data.mid(at, qsizetype(wire::kMaxChunk)).toStdString() });
    };
    session->m_controls.closeStdin = [conn, tag] {
        if (conn)
            conn->sendWithTag(wire::Type::CloseInput, tag, wire::Empty {});
    };
    session->m_controls.resize = [conn, tag](TerminalSize size) {
        if (conn)
            conn->sendWithTag(wire::Type::Resize, tag, wire::Resize { size.rows, size.cols });
    };
}

void SandboxRuntime::spawn(const QString &procId, const CommandSpec &cmd,
                           std::function<void(Result<qint64>)> done)
{
    wire::Exec m = execMessage(cmd);
    m.flags = wire::kExecBackground;
    m.procId = procId.toStdString();
    QPointer<const SandboxRuntime> self(this);
    m_conn->request(
        wire::Type::Exec, m,
        [done, self](const wire::Frame &f) {
            wire::Started started;
            if (f.type == uint8_t(wire::Type::Started) && wire::decodeMessage(f, started))
                done(qint64(started.pid));
            else
                done(tl::unexpected(self ? self->answerError(f) : failedFrameError(f)));
            return true;
        },
        deadline(deadlines::kExecStartMs, QStringLiteral("the start of %1 (%2)").arg(procId, commandName(cmd))));
}

void SandboxRuntime::kill(const QString &procId, int signal, std::function<void(Result<void>)> done)
{
    QPointer<const SandboxRuntime> self(this);
    m_conn->request(
        wire::Type::Kill, wire::Kill { procId.toStdString(), signal },
        [done, self](const wire::Frame &f) {
            if (f.type == uint8_t(wire::Type::Ack))
                done({});
            else
                done(tl::unexpected(self ? self->answerError(f) : failedFrameError(f)));
            return true;
        },
        deadline(deadlines::kProcessControlMs, QStringLiteral("a signal for %1").arg(procId)));
}

void SandboxRuntime::listProcesses(std::function<void(Result<std::vector<wire::ProcessEntry>>)> done)
{
    QPointer<const SandboxRuntime> self(this);
    m_conn->request(
        wire::Type::ListProcesses, wire::Empty {},
        [done, self](const wire::Frame &f) {
            wire::ProcessList list;
            if (f.type == uint8_t(wire::Type::ProcessList) && wire::decodeMessage(f, list))
                done(std::move(list.entries));
            else
                done(tl::unexpected(self ? self->answerError(f) : failedFrameError(f)));
            return true;
        },
        deadline(deadlines::kProcessControlMs, QStringLiteral("the process list")));
}

void SandboxRuntime::shutdown(int graceMs)
{
    m_conn->sendWithTag(wire::Type::Shutdown, 0, wire::Shutdown { uint32_t(graceMs) });
}

} // namespace paddock::sandbox
