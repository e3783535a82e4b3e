#include "init_server.h"

#include "child_spawn.h"
#include "files_helper.h"
#include "process_lookup.h"
#include "terminal.h"

#include "paddock/wire/egress_messages.h"
#include "paddock/wire/file_messages.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

namespace paddock::init {

namespace {

// Stop reading a process's output while its connection has this much unsent:
// a slow reader throttles the writer instead of growing PID 1's memory.
// An egress connection this far behind misses reports instead.
constexpr size_t kBackpressureBytes = 1u << 20;

int64_t nowMs()
{
    timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// Only SIGCHLD: a blocked signal is queued even for a pid namespace's init,
// so blocking SIGTERM here would let any workload stop its sandbox with
// `kill 1`. Left at their defaults, signals from inside are dropped by the
// kernel; the engine stops a sandbox with a Shutdown frame (or SIGKILL).
UniqueFd openSignalFd()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    return UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
}

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

std::string failedFrame(uint32_t tag, int error, std::string message)
{
    return wire::encodeMessage(wire::Type::Failed, tag, wire::Failed { error, std::move(message) });
}

} // namespace

InitServer::InitServer(UniqueFd listener, UniqueFd logsDir, SyscallFilter filter, EgressListeners egress, DropLog dropLog)
    : m_listener(std::move(listener))
    , m_logs(std::move(logsDir))
    , m_syscallFilter(std::move(filter))
    , m_egress(std::move(egress))
    , m_dropLog(std::move(dropLog))
    , m_signals(openSignalFd())
{
    if (!m_dropLog.problem.empty()) {
        wire::EgressRefusal note;
        note.protocol = "-";
        note.what = m_dropLog.problem;
        m_egressReports.add(std::move(note), nowMs());
    }
}

int InitServer::run()
{
    std::vector<pollfd> fds;
    for (;;) {
        if (m_shuttingDown && (m_noChildrenLeft || nowMs() >= m_killDeadlineMs)) {
            ::kill(-1, SIGKILL);
            while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) { }
            for (auto &child : m_children)
                if (child->running && !child->procId.empty())
                    childEnded(*child, SIGKILL);
            return 0;
        }
        // What the last round refused (or a held report whose second is up)
        // goes out before PID 1 waits again.
        m_egressReports.tick(nowMs());
        sendEgressReports();
        // Index layout of fds: [signals, listener, connections..., 3 per child:
        // out, err, in, then one per seccomp listener, then the drop log].
        fds.clear();
        fds.push_back({ m_signals.get(), POLLIN, 0 });
        fds.push_back({ m_listener.get(), POLLIN, 0 });
        for (auto &c : m_connections)
            fds.push_back({ c->fd.get(), short(POLLIN | (c->out.empty() ? 0 : POLLOUT)), 0 });
        for (auto &child : m_children) {
            Connection *owner = connection(child->connId);
            bool throttled = owner && owner->out.size() > kBackpressureBytes;
            fds.push_back({ throttled ? -1 : child->out.get(), POLLIN, 0 });
            fds.push_back({ throttled ? -1 : child->err.get(), POLLIN, 0 });
            fds.push_back({ child->pendingInput.empty() ? -1 : child->in.get(), POLLOUT, 0 });
        }
        const size_t firstRefusalListener = fds.size();
        m_refusedCalls.appendPollFds(fds);
        fds.push_back({ m_dropLog.fd.get(), POLLIN, 0 }); // -1 when there is none: poll skips it
        // Handlers below may append connections and children: only the ones
        // polled this round are looked at.
        const size_t polledConnections = m_connections.size();
        const size_t polledChildren = m_children.size();
        int n = ::poll(fds.data(), fds.size(), pollTimeoutMs());
        if (n < 0 && errno != EINTR)
            return 1;
        if (n <= 0)
            continue;
        size_t i = 2;
        for (size_t k = 0; k < polledConnections; ++k, ++i) {
            Connection &c = *m_connections[k];
            if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                readConnection(c);
            if (!c.dead && (fds[i].revents & POLLOUT))
                writeConnection(c);
        }
        for (size_t k = 0; k < polledChildren; ++k, i += 3) {
            Child &child = *m_children[k];
            if (fds[i].revents)
                readChildOutput(child, child.out, wire::Stream::Stdout);
            if (fds[i + 1].revents)
                readChildOutput(child, child.err, wire::Stream::Stderr);
            if (fds[i + 2].revents)
                writeChildInput(child);
        }
        if (fds.back().revents)
            readDroppedPackets();
        fds.pop_back();
        answerRefusedCalls(fds, firstRefusalListener);
        if (fds[0].revents)
            reapChildren();
        if (fds[1].revents)
            acceptConnections();
        std::erase_if(m_connections, [](const auto &c) { return c->dead; });
        std::erase_if(m_children, [](const auto &c) { return !c->running && c->procId.empty(); });
    }
}

int InitServer::pollTimeoutMs() const
{
    const int64_t now = nowMs();
    const int reports = m_egressReports.msUntilTick(now);
    if (!m_shuttingDown)
        return reports;
    const int kill = int(std::max<int64_t>(0, m_killDeadlineMs - now));
    return reports < 0 ? kill : std::min(kill, reports);
}

void InitServer::acceptConnections()
{
    for (;;) {
        int fd = ::accept4(m_listener.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0)
            return;
        auto c = std::make_unique<Connection>();
        c->id = m_nextConnectionId++;
        c->fd.reset(fd);
        send(*c, wire::encodeMessage(wire::Type::Hello, 0, wire::Hello { wire::kProtocolVersion, "init" }));
        m_connections.push_back(std::move(c));
    }
}

void InitServer::readConnection(Connection &c)
{
    char buf[16384];
    ssize_t n = ::read(c.fd.get(), buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        dropConnection(c);
        return;
    }
    c.parser.append(buf, size_t(n));
    wire::Frame f;
    for (;;) {
        auto status = c.parser.next(f);
        if (status == wire::FrameParser::Status::NeedMore)
            return;
        if (status == wire::FrameParser::Status::Invalid) {
            dropConnection(c);
            return;
        }
        handleFrame(c, f);
        if (c.dead)
            return;
    }
}

void InitServer::writeConnection(Connection &c)
{
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            dropConnection(c);
            return;
        }
        c.out.erase(0, size_t(n));
    }
}

void InitServer::send(Connection &c, std::string frame)
{
    if (c.dead)
        return;
    c.out += frame;
    writeConnection(c);
}

void InitServer::dropConnection(Connection &c)
{
    c.dead = true;
    c.fd.reset();
    // A foreground command belongs to the request that started it.
    for (auto &child : m_children)
        if (child->connId == c.id && child->running)
            ::kill(-child->pid, SIGKILL);
}

// The connection becomes the files helper's; PID 1 forgets it. Should the
// fork fail, closing it tells the engine.
void InitServer::handOverToFilesHelper(Connection &c)
{
    startFilesHelper(std::move(c.fd), std::move(c.parser), c.out, m_syscallFilter);
    c.out.clear();
    c.dead = true;
}

// The engine takes the egress sockets and serves them itself; the
// connection then carries reports of what PID 1 refused.
void InitServer::handOutEgressSockets(Connection &c)
{
    if (!c.out.empty() || !sendEgressListeners(c.fd.get(), m_egress).ok())
        return dropConnection(c);
    c.egressReports = true; // what waited for it goes out before PID 1 polls again
}

void InitServer::answerRefusedCalls(const std::vector<pollfd> &fds, size_t first)
{
    for (size_t k = 0; first + k < fds.size(); ++k)
        if (fds[first + k].revents)
            if (auto refusal = m_refusedCalls.answer(k, fds[first + k].revents))
                m_egressReports.add(std::move(*refusal), nowMs());
    m_refusedCalls.forgetEnded();
}

void InitServer::readDroppedPackets()
{
    for (DroppedPacket &p : readDropLog(m_dropLog.fd.get())) {
        const int64_t now = nowMs();
        const bool udp = p.transport == IPPROTO_UDP || p.transport == IPPROTO_UDPLITE;
        if (udp && m_egressReports.wouldSend(now)) {
            if (pid_t owner = udpSocketOwner(p.v6, p.sourcePort); owner > 0) {
                p.report.pid = int32_t(owner);
                p.report.process = describeProcess(owner);
            }
        }
        m_egressReports.add(std::move(p.report), now);
    }
}

// To every engine listening; kept while none is.
void InitServer::sendEgressReports()
{
    auto listening = [](const auto &c) { return c->egressReports && !c->dead; };
    if (m_egressReports.empty() || std::none_of(m_connections.begin(), m_connections.end(), listening))
        return;
    for (const wire::EgressRefusal &r : m_egressReports.take()) {
        wire::Writer w;
        r.encode(w);
        const std::string frame = wire::encodeFrame(wire::kEgressRefusalType, 0, w.buffer());
        for (auto &c : m_connections)
            if (listening(c) && c->out.size() < kBackpressureBytes)
                send(*c, frame);
    }
}

void InitServer::handleFrame(Connection &c, const wire::Frame &f)
{
    auto type = static_cast<wire::Type>(f.type);
    if (c.egressReports) // this connection only listens
        return dropConnection(c);
    if (!c.greeted) {
        wire::Hello hello;
        if (type != wire::Type::Hello || !wire::decodeMessage(f, hello)
            || hello.version != wire::kProtocolVersion) {
            dropConnection(c);
            return;
        }
        c.greeted = true;
        if (hello.role == wire::kFilesRole)
            handOverToFilesHelper(c);
        else if (hello.role == wire::kEgressRole)
            handOutEgressSockets(c);
        return;
    }
    wire::Exec exec;
    wire::Kill kill;
    wire::Shutdown shutdown;
    wire::Empty empty;
    if (type == wire::Type::Exec && wire::decodeMessage(f, exec))
        handleExec(c, f.tag, exec);
    else if (type == wire::Type::Kill && wire::decodeMessage(f, kill))
        handleKill(c, f.tag, kill);
    else if (type == wire::Type::ListProcesses && wire::decodeMessage(f, empty))
        handleList(c, f.tag);
    else if (type == wire::Type::Shutdown && wire::decodeMessage(f, shutdown))
        beginShutdown(shutdown.graceMs);
    else if (type == wire::Type::Input || type == wire::Type::Resize || type == wire::Type::CloseInput)
        handleInput(c, f);
    else
        send(c, failedFrame(f.tag, EPROTO, "malformed or unexpected request"));
}

void InitServer::handleExec(Connection &c, uint32_t tag, const wire::Exec &req)
{
    if (m_shuttingDown)
        return send(c, failedFrame(tag, ESHUTDOWN, "sandbox is stopping"));
    bool background = req.flags & wire::kExecBackground;
    if (background && (!wire::isValidProcId(req.procId) || backgroundChild(req.procId)))
        return send(c, failedFrame(tag, EINVAL, "invalid or duplicate process id"));

    const bool terminal = req.flags & wire::kExecTerminal;
    const bool withStdin = req.flags & wire::kExecStdin;
    UniqueFd inRead, inWrite, outRead, outWrite, errRead, errWrite, logFd;
    Terminal tty;
    if (background) {
        logFd.reset(::openat(m_logs.get(), wire::logFileName(req.procId).c_str(),
                             O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!logFd.valid())
            return send(c, failedFrame(tag, errno, "cannot open the process log"));
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
    spawn.stdoutFd = terminal ? tty.slave.get() : background ? logFd.get() : outWrite.get();
    spawn.stderrFd = terminal ? tty.slave.get() : background ? logFd.get() : errWrite.get();
    spawn.controllingTerminal = terminal;
    spawn.syscallFilter = &m_syscallFilter;
    SpawnResult result = spawnChild(spawn);
    if (result.pid < 0)
        return send(c, failedFrame(tag, result.error, result.message));
    m_refusedCalls.watch(std::move(result.refusals));

    auto child = std::make_unique<Child>();
    child->pid = result.pid;
    child->tag = tag;
    if (background) {
        child->procId = req.procId;
    } else if (terminal) {
        child->connId = c.id;
        child->terminal = true;
        child->in.reset(::fcntl(tty.master.get(), F_DUPFD_CLOEXEC, 0));
        child->out = std::move(tty.master);
    } else {
        child->connId = c.id;
        child->out = std::move(outRead);
        child->err = std::move(errRead);
        child->in = std::move(inWrite);
    }
    m_children.push_back(std::move(child));
    send(c, wire::encodeMessage(wire::Type::Started, tag, wire::Started { result.pid }));
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
    // The process leads its own session and group: signal all of it.
    if (::kill(-target->pid, req.signal) != 0)
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
        if (!child || !child->in.valid())
            return; // the process ended or has no stdin: its input goes nowhere, as in a shell
        child->pendingInput += input.data;
        writeChildInput(*child);
    } else if (type == wire::Type::Resize && wire::decodeMessage(f, resize)) {
        if (child && child->terminal)
            resizeTerminal(child->out.get(), resize.rows, resize.cols);
    } else if (type == wire::Type::CloseInput && wire::decodeMessage(f, empty)) {
        if (child && !child->terminal) {
            child->pendingInput.clear();
            child->in.reset(); // the reader sees end of file
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
}

InitServer::Child *InitServer::foregroundChild(const Connection &c, uint32_t tag)
{
    for (auto &child : m_children)
        if (child->connId == c.id && child->tag == tag && child->running)
            return child.get();
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
    m_killDeadlineMs = nowMs() + graceMs;
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
        return false;
    }
    if (Connection *owner = connection(child.connId))
        send(*owner,
             wire::encodeMessage(wire::Type::Output, child.tag,
                                 wire::Output { stream, std::string(buf, size_t(n)) }));
    return true;
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
        for (auto &child : m_children)
            if (child->pid == pid && child->running)
                childEnded(*child, status);
    }
}

void InitServer::childEnded(Child &child, int status)
{
    child.running = false;
    child.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    child.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    wire::Exited exited { child.procId, child.exitCode, child.signal };
    if (!child.procId.empty()) {
        for (auto &c : m_connections)
            if (c->greeted && !c->egressReports) // the egress connection hears of egress only
                send(*c, wire::encodeMessage(wire::Type::Exited, 0, exited));
        return;
    }
    // The process is gone: send what is already in its pipes, then the end.
    // Output of grandchildren that still hold the pipes open is not waited for.
    while (readChildOutput(child, child.out, wire::Stream::Stdout)) { }
    while (readChildOutput(child, child.err, wire::Stream::Stderr)) { }
    child.out.reset();
    child.err.reset();
    child.in.reset();
    if (Connection *owner = connection(child.connId))
        send(*owner, wire::encodeMessage(wire::Type::Exited, child.tag, exited));
}

InitServer::Connection *InitServer::connection(uint64_t id)
{
    for (auto &c : m_connections)
        if (c->id == id && !c->dead)
            return c.get();
    return nullptr;
}

InitServer::Child *InitServer::backgroundChild(const std::string &procId)
{
    for (auto &child : m_children)
        if (child->procId == procId)
            return child.get();
    return nullptr;
}

} // namespace paddock::init
