// Engine: foreground commands and background processes of sandboxes.
#include "engine_private.h"

#include <signal.h>

namespace paddock {

Result<ExecSession *> Engine::exec(const QString &key, const CommandSpec &cmd)
{
    if (cmd.argv.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("no command given"));
    auto rt = d->runtimeFor(key);
    if (!rt)
        return tl::unexpected(rt.error());
    auto *session = new ExecSession(this);
    connect(session, &ExecSession::finished, session, &QObject::deleteLater);
    connect(session, &ExecSession::failed, session, &QObject::deleteLater);
    (*rt)->exec(cmd, session);
    return session;
}

void Engine::spawn(const QString &key, const CommandSpec &cmd, const QString &name,
                   Callback<ProcessInfo> done)
{
    if (cmd.argv.isEmpty())
        return done(fail(ErrorCode::InvalidArgument, QStringLiteral("no command given")));
    if (cmd.terminal || cmd.openStdin)
        return done(fail(ErrorCode::InvalidArgument,
                         QStringLiteral("background processes have no terminal or stdin; use exec or shell")));
    SandboxInfo sb;
    auto rt = d->runtimeFor(key, &sb);
    if (!rt)
        return done(tl::unexpected(rt.error()));
    if (!name.isEmpty()) {
        auto same = d->procs.byIdOrName(sb.id, name);
        if (same && same->has_value() && (*same)->state == ProcessState::Running)
            return done(fail(ErrorCode::Conflict,
                             QStringLiteral("a process named '%1' is already running in '%2'").arg(name, sb.name)));
    }
    auto procId = d->sandboxes.takeProcessId(sb.id);
    if (!procId)
        return done(tl::unexpected(procId.error()));
    ProcessInfo info;
    info.sandboxId = sb.id;
    info.id = *procId;
    info.name = name;
    info.argv = cmd.argv;
    info.cwd = cmd.cwd;
    info.env = cmd.env;
    (*rt)->spawn(*procId, cmd, [this, info, done](Result<qint64> pid) mutable {
        if (!pid)
            return done(tl::unexpected(pid.error()));
        info.pid = *pid;
        info.startedAt = QDateTime::currentDateTimeUtc();
        if (auto r = d->procs.insert(info); !r)
            return done(tl::unexpected(r.error()));
        Q_EMIT processChanged(info);
        done(info);
    });
}

Result<QList<ProcessInfo>> Engine::processes(const QString &key)
{
    auto sb = d->find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    return d->procs.forSandbox(sb->id);
}

Result<ProcessInfo> Engine::process(const QString &key, const QString &proc)
{
    auto sb = d->find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    auto p = d->procs.byIdOrName(sb->id, proc);
    if (!p)
        return tl::unexpected(p.error());
    if (!p->has_value())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no process '%1' in sandbox '%2'").arg(proc, sb->name));
    return **p;
}

void Engine::kill(const QString &key, const QString &proc, int signal, Callback<void> done)
{
    auto p = process(key, proc);
    if (!p)
        return done(tl::unexpected(p.error()));
    if (p->state != ProcessState::Running)
        return done(fail(ErrorCode::NotRunning, QStringLiteral("process %1 is not running").arg(p->id)));
    auto rt = d->runtimeFor(p->sandboxId);
    if (!rt)
        return done(tl::unexpected(rt.error()));
    (*rt)->kill(p->id, signal, std::move(done));
}

Result<LogStream *> Engine::logs(const QString &key, const QString &proc, bool follow,
                                 const LogRange &range)
{
    follow = follow && !range.until;
    auto p = process(key, proc);
    if (!p)
        return tl::unexpected(p.error());
    const QString dir = d->paths.sandboxDir(p->sandboxId) + QStringLiteral("/logs");
    auto *stream = new LogStream(this);
    auto *reader = new sandbox::LogReader(dir, p->id, follow && p->state == ProcessState::Running, stream, range);
    if (follow && p->state == ProcessState::Running) {
        const QString sandboxId = p->sandboxId, procId = p->id;
        connect(this, &Engine::processChanged, reader, [reader, sandboxId, procId](const ProcessInfo &changed) {
            if (changed.sandboxId == sandboxId && changed.id == procId && changed.state != ProcessState::Running)
                reader->processEnded();
        });
    }
    return stream;
}

// ---- EnginePrivate: process bookkeeping ---------------------------------

void EnginePrivate::onBackgroundExited(const QString &sandboxId, const QString &procId, ExitStatus status)
{
    ProcessState state = status.signal > 0 ? ProcessState::Killed : ProcessState::Exited;
    if (!procs.markEnded(sandboxId, procId, state, status))
        return;
    if (auto p = q->process(sandboxId, procId))
        Q_EMIT q->processChanged(*p);
}

void EnginePrivate::reconcile(const QString &sandboxId, const std::vector<wire::ProcessEntry> &live)
{
    auto known = procs.forSandbox(sandboxId);
    if (!known)
        return;
    for (const ProcessInfo &p : *known) {
        if (p.state != ProcessState::Running)
            continue;
        auto it = std::find_if(live.begin(), live.end(),
                               [&](const wire::ProcessEntry &e) { return QString::fromStdString(e.procId) == p.id; });
        if (it == live.end())
            procs.markEnded(sandboxId, p.id, ProcessState::Lost, {}); // ended while no engine listened, before this init
        else if (!it->running)
            onBackgroundExited(sandboxId, p.id, ExitStatus { it->exitCode, it->signal });
    }
}

} // namespace paddock

namespace paddock {

void ExecSession::kill(int signal)
{
    if (m_controls.kill)
        m_controls.kill(signal);
}

void ExecSession::write(const QByteArray &data)
{
    if (m_controls.write)
        m_controls.write(data);
}

void ExecSession::closeStdin()
{
    if (m_controls.closeStdin)
        m_controls.closeStdin();
}

void ExecSession::resize(TerminalSize size)
{
    if (m_controls.resize && size.rows > 0 && size.cols > 0)
        m_controls.resize(size);
}

} // namespace paddock

#include "sandbox/process_waiter.h"

namespace paddock {

void Engine::wait(const QString &key, const QString &proc, const WaitCondition &until,
                  Callback<WaitResult> done)
{
    auto p = process(key, proc);
    if (!p)
        return done(tl::unexpected(p.error()));
    sandbox::ProcessWaiter::start(*this, *p, until, std::move(done));
}

} // namespace paddock
