// InitServer: the workload processes PID 1 runs — starting them without
// waiting for them, their output, input, signals and ends.
#include "init_server.h"

#include "monotonic_clock.h"
#include "terminal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace paddock::init {

namespace {

// A pipe whose end in PID 1 never blocks; the command's end does.
bool makePipe(UniqueFd &readEnd, UniqueFd &writeEnd, bool readerIsPid1 = true)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return false;
    readEnd.reset(fds[0]);
    writeEnd.reset(fds[1]);
    return ::fcntl(readerIsPid1 ? fds[0] : fds[1], F_SETFL, O_NONBLOCK) == 0;
}

// What a pipe can hold: all a process that has ended can have left in it.
// PID 1 reads that much at its end and no more, so a grandchild that keeps
// writing cannot keep it reading.
size_t capacity(int fd)
{
    int size = ::fcntl(fd, F_GETPIPE_SZ);
    return size > 0 ? size_t(size) : size_t(1) << 20;
}

} // namespace

std::string InitServer::failedFrame(uint32_t tag, int error, std::string message)
{
    return wire::encodeMessage(wire::Type::Failed, tag, wire::Failed { error, std::move(message) });
}

void InitServer::handleExec(Connection &c, uint32_t tag, const wire::Exec &req)
{
    if (m_shuttingDown)
        return send(c, failedFrame(tag, ESHUTDOWN, "sandbox is stopping"));
    bool background = req.flags & wire::kExecBackground;
    if (background && (!wire::isValidProcId(req.procId) || backgroundIdTaken(req.procId)))
        return send(c, failedFrame(tag, EINVAL, "invalid or duplicate process id"));

    const bool terminal = req.flags & wire::kExecTerminal;
    const bool withStdin = req.flags & wire::kExecStdin;
    UniqueFd inRead, inWrite, outRead, outWrite, errRead, errWrite;
    Terminal tty;
    if (background) {
        // Through a pipe PID 1 drains, so the log can be capped and rotated.
        if (Status s = m_logs.open(req.procId); !s.ok())
            return send(c, failedFrame(tag, s.error, "cannot start the process log: " + s.describe()));
        if (!makePipe(outRead, outWrite)) {
            m_logs.close(req.procId);
            return send(c, failedFrame(tag, errno, "cannot create the log pipe"));
        }
    } else if (terminal) {
        if (Status s = openTerminal(req.rows, req.cols, tty); !s.ok())
            return send(c, failedFrame(tag, s.error, s.describe()));
    } else if (!makePipe(outRead, outWrite) || !makePipe(errRead, errWrite)) {
        return send(c, failedFrame(tag, errno, "cannot create output pipes"));
    }
    if (withStdin && !terminal) {
        if (!makePipe(inRead, inWrite, false))
            return send(c, failedFrame(tag, errno, "cannot create the stdin pipe"));
    } else if (!terminal) {
        inRead.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    }
    SpawnRequest spawn { req.argv, req.env, req.cwd };
    spawn.stdinFd = terminal ? tty.slave.get() : inRead.get();
    spawn.stdoutFd = terminal ? tty.slave.get() : outWrite.get();
    spawn.stderrFd = terminal ? tty.slave.get() : background ? outWrite.get() : errWrite.get();
    spawn.controllingTerminal = terminal;
    spawn.syscallFilter = &m_syscallFilter;
    spawn.dataLimit = m_workloadDataLimit;
    auto pending = std::make_unique<Pending>();
    pending->connId = c.id;
    pending->tag = tag;
    pending->spawn = std::make_unique<ChildSpawn>(spawn);
    if (pending->spawn->state() == ChildSpawn::State::Failed) {
        if (background)
            m_logs.close(req.procId);
        return send(c, failedFrame(tag, pending->spawn->error(), pending->spawn->message()));
    }
    // The child's ends (closed here when this returns) are the child's alone now.
    auto child = std::make_unique<Child>();
    child->pid = pending->spawn->pid();
    child->tag = tag;
    child->out = std::move(outRead);
    if (background) {
        child->procId = req.procId;
    } else if (terminal) {
        child->connId = c.id;
        child->terminal = true;
        child->in.reset(::fcntl(tty.master.get(), F_DUPFD_CLOEXEC, 0));
        child->out = std::move(tty.master);
    } else {
        child->connId = c.id;
        child->err = std::move(errRead);
        child->in = std::move(inWrite);
    }
    pending->child = std::move(child);
    pending->deadlineMs = monotonicMs() + kSpawnDeadlineMs;
    m_pending.push_back(std::move(pending));
}

void InitServer::readSpawnReports(Pending &p)
{
    if (p.spawn->readReports() != ChildSpawn::State::Pending)
        finishSpawn(p);
}

// A child still not exec'd at its deadline was stopped (or held) from
// inside the sandbox: it is killed, and its request fails saying so.
void InitServer::spawnDeadlines(int64_t nowMs)
{
    for (auto &p : m_pending) {
        if (p->spawn->state() != ChildSpawn::State::Pending || nowMs < p->deadlineMs)
            continue;
        p->spawn->readReports(); // what it said in time still counts
        if (p->spawn->state() == ChildSpawn::State::Pending)
            p->spawn->abandon(ETIMEDOUT, "the process did not start within "
                                             + std::to_string(kSpawnDeadlineMs / 1000)
                                             + " s: it was stopped before exec from inside the sandbox, "
                                               "and has been killed");
        finishSpawn(*p);
    }
}

// Answers the Exec: Started (the child becomes one of PID 1's children,
// and may have ended already), or Failed.
void InitServer::finishSpawn(Pending &p)
{
    Connection *asker = connection(p.connId);
    Child &child = *p.child;
    if (p.spawn->state() == ChildSpawn::State::Failed) {
        if (!child.procId.empty())
            m_logs.close(child.procId);
        if (asker)
            send(*asker, failedFrame(p.tag, p.spawn->error(), p.spawn->message()));
        return;
    }
    m_refusedCalls.watch(p.spawn->takeRefusals());
    if (asker)
        send(*asker, wire::encodeMessage(wire::Type::Started, p.tag, wire::Started { child.pid }));
    m_children.push_back(std::move(p.child));
    if (p.reaped)
        childEnded(*m_children.back(), p.status);
}

void InitServer::handleKill(Connection &c, uint32_t tag, const wire::Kill &req)
{
    Child *target = nullptr;
    if (!req.procId.empty()) {
        target = backgroundChild(req.procId);
    } else {
        target = foregroundChild(c, tag);
    }
    if (!target || !target->running)
        return send(c, failedFrame(tag, ESRCH, "no such running process"));
    // The process leads its own session and group: signal all of it. One
    // still on its way to exec may not have its group yet.
    if (::kill(-target->pid, req.signal) != 0 && ::kill(target->pid, req.signal) != 0)
        return send(c, failedFrame(tag, errno, "cannot signal the process"));
    send(c, wire::encodeMessage(wire::Type::Ack, tag, wire::Empty {}));
}

void InitServer::handleInput(Connection &c, const wire::Frame &f)
{
    Child *child = foregroundChild(c, f.tag);
    wire::Input input;
    wire::Resize resize;
    wire::Empty empty;
    auto type = static_cast<wire::Type>(f.type);
    if (type == wire::Type::Input && wire::decodeMessage(f, input)) {
        if (!child || !child->in.valid() || child->closeInput)
            return; // the process ended or has no stdin: its input goes nowhere, as in a shell
        child->pendingInput += input.data;
        writeChildInput(*child);
    } else if (type == wire::Type::Resize && wire::decodeMessage(f, resize)) {
        if (child && child->terminal)
            resizeTerminal(child->out.get(), resize.rows, resize.cols);
    } else if (type == wire::Type::CloseInput && wire::decodeMessage(f, empty)) {
        if (child && !child->terminal) {
            child->closeInput = true; // the reader sees end of file after what was sent
            writeChildInput(*child);
        }
    } else {
        send(c, failedFrame(f.tag, EPROTO, "malformed input frame"));
    }
}

void InitServer::writeChildInput(Child &child)
{
    while (!child.pendingInput.empty() && child.in.valid()) {
        ssize_t n = ::write(child.in.get(), child.pendingInput.data(), child.pendingInput.size());
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return; // POLLOUT brings us back
        if (n <= 0) {
            child.pendingInput.clear(); // the reader is gone (EPIPE)
            child.in.reset();
            return;
        }
        child.pendingInput.erase(0, size_t(n));
    }
    if (child.closeInput && child.pendingInput.empty())
        child.in.reset();
}

// Started or still on its way: input and signals may come before Started.
InitServer::Child *InitServer::foregroundChild(const Connection &c, uint32_t tag)
{
    for (auto &child : m_children)
        if (child->connId == c.id && child->tag == tag && child->running)
            return child.get();
    for (auto &p : m_pending)
        if (p->spawn->state() == ChildSpawn::State::Pending && !p->reaped && p->child->connId == c.id && p->tag == tag)
            return p->child.get();
    return nullptr;
}

void InitServer::handleList(Connection &c, uint32_t tag)
{
    wire::ProcessList list;
    for (auto &child : m_children)
        if (!child->procId.empty())
            list.entries.push_back(
                { child->procId, child->pid, child->running, child->exitCode, child->signal });
    send(c, wire::encodeMessage(wire::Type::ProcessList, tag, list));
}

void InitServer::beginShutdown(uint32_t graceMs)
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    m_killDeadlineMs = monotonicMs() + graceMs;
    ::kill(-1, SIGTERM); // every process of the namespace except PID 1 itself
    reapChildren();
}

bool InitServer::readChildOutput(Child &child, UniqueFd &fd, wire::Stream stream)
{
    if (!fd.valid())
        return false;
    char buf[wire::kMaxChunk];
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return false;
    if (n <= 0) {
        fd.reset();
        if (!child.procId.empty())
            m_logs.close(child.procId);
        return false;
    }
    if (!child.procId.empty())
        m_logs.append(child.procId, buf, size_t(n));
    else if (Connection *owner = connection(child.connId))
        send(*owner,
             wire::encodeMessage(wire::Type::Output, child.tag,
                                 wire::Output { stream, std::string(buf, size_t(n)) }));
    return true;
}

// What an ended process left in a pipe, and no more (see capacity()).
void InitServer::drainChildOutput(Child &child, UniqueFd &fd, wire::Stream stream)
{
    if (!fd.valid())
        return;
    for (size_t budget = capacity(fd.get()); budget > 0; budget -= std::min(budget, wire::kMaxChunk))
        if (!readChildOutput(child, fd, stream))
            return;
}

void InitServer::reapChildren()
{
    signalfd_siginfo info;
    while (::read(m_signals.get(), &info, sizeof info) == ssize_t(sizeof info)) { }
    for (;;) {
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == ECHILD)
            m_noChildrenLeft = true;
        if (pid <= 0)
            return;
        if (m_filesHelpers.reaped(pid))
            continue;
        for (auto &child : m_children)
            if (child->pid == pid && child->running)
                childEnded(*child, status);
        for (auto &p : m_pending)
            if (p->spawn->pid() == pid) {
                p->spawn->markReaped();
                p->reaped = true; // told once its report is read
                p->status = status;
            }
    }
}

void InitServer::childEnded(Child &child, int status)
{
    child.running = false;
    child.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    child.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    wire::Exited exited { child.procId, child.exitCode, child.signal };
    // The process is gone: what is already in its pipes goes first, then
    // the end. Output of grandchildren that still hold the pipes open is
    // not waited for (a background log keeps taking it).
    drainChildOutput(child, child.out, wire::Stream::Stdout);
    if (!child.procId.empty()) {
        for (auto &c : m_connections)
            if (c->greeted && !c->egressReports) // the egress connection hears of egress only
                send(*c, wire::encodeMessage(wire::Type::Exited, 0, exited));
        return;
    }
    drainChildOutput(child, child.err, wire::Stream::Stderr);
    child.out.reset();
    child.err.reset();
    child.in.reset();
    if (Connection *owner = connection(child.connId))
        send(*owner, wire::encodeMessage(wire::Type::Exited, child.tag, exited));
}

InitServer::Child *InitServer::backgroundChild(const std::string &procId)
{
    for (auto &child : m_children)
        if (child->procId == procId)
            return child.get();
    return nullptr;
}

bool InitServer::backgroundIdTaken(const std::string &procId) const
{
    auto same = [&](const std::unique_ptr<Child> &c) { return c && c->procId == procId; };
    return std::any_of(m_children.begin(), m_children.end(), same)
        || std::any_of(m_pending.begin(), m_pending.end(), [&](const auto &p) { return same(p->child); });
}

} // namespace paddock::init
