#include "init_server.h"

#include "files_helper.h"
#include "monotonic_clock.h"
#include "process_lookup.h"

#include "paddock/wire/egress_messages.h"
#include "paddock/wire/file_messages.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

namespace paddock::init {

namespace {

// Stop reading a process's output while its connection has this much unsent:
// a slow reader throttles the writer instead of growing PID 1's memory.
// An egress connection this far behind misses reports instead.
constexpr size_t kBackpressureBytes = 1u << 20;

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

// The earlier of two poll timeouts, where -1 is "none".
int earlier(int a, int b) { return a < 0 ? b : b < 0 ? a : std::min(a, b); }

} // namespace

InitServer::InitServer(UniqueFd listener, UniqueFd logsDir, SyscallFilter filter, EgressListeners egress, DropLog dropLog,
                       uint64_t workloadDataLimit)
    : m_listener(std::move(listener))
    , m_logs(std::move(logsDir))
    , m_syscallFilter(std::move(filter))
    , m_egress(std::move(egress))
    , m_dropLog(std::move(dropLog))
    , m_workloadDataLimit(workloadDataLimit)
    , m_signals(openSignalFd())
{
    if (!m_dropLog.problem.empty()) {
        wire::EgressRefusal note;
        note.protocol = "-";
        note.what = m_dropLog.problem;
        m_egressReports.add(std::move(note), monotonicMs());
    }
}

int InitServer::run()
{
    std::vector<pollfd> fds;
    for (;;) {
        if (m_shuttingDown && (m_noChildrenLeft || monotonicMs() >= m_killDeadlineMs)) {
            // SIGKILL reaches stopped processes too: this wait ends.
            ::kill(-1, SIGKILL);
            while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) { }
            for (auto &child : m_children)
                if (child->running && !child->procId.empty())
                    childEnded(*child, SIGKILL);
            return 0;
        }
        const int64_t now = monotonicMs();
        spawnDeadlines(now);
        m_filesHelpers.killOverdue(now);
        // What the last round refused (or a held report whose second is up)
        // goes out before PID 1 waits again.
        m_egressReports.tick(now);
        sendEgressReports();
        // Index layout of fds: [signals, listener, connections..., 3 per child:
        // out, err, in, one per pending spawn, one per files helper, one per
        // seccomp listener, then the drop log].
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
        for (auto &p : m_pending)
            fds.push_back({ p->spawn->channel(), POLLIN, 0 });
        const size_t firstHelper = fds.size();
        const size_t polledHelpers = m_filesHelpers.appendPollFds(fds);
        const size_t firstRefusalListener = fds.size();
        m_refusedCalls.appendPollFds(fds);
        fds.push_back({ m_dropLog.fd.get(), POLLIN, 0 }); // -1 when there is none: poll skips it
        // Handlers below may append connections, children and spawns: only
        // the ones polled this round are looked at.
        const size_t polledConnections = m_connections.size();
        const size_t polledChildren = m_children.size();
        const size_t polledPending = m_pending.size();
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
        for (size_t k = 0; k < polledPending; ++k, ++i)
            if (fds[i].revents)
                readSpawnReports(*m_pending[k]);
        m_filesHelpers.polled(fds.data() + firstHelper, polledHelpers, monotonicMs());
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
        std::erase_if(m_pending, [](const auto &p) { return p->spawn->state() != ChildSpawn::State::Pending; });
    }
}

int InitServer::pollTimeoutMs() const
{
    const int64_t now = monotonicMs();
    int timeout = earlier(m_egressReports.msUntilTick(now), m_filesHelpers.msUntilDeadline(now));
    for (const auto &p : m_pending)
        timeout = earlier(timeout, int(std::max<int64_t>(0, p->deadlineMs - now)));
    if (m_shuttingDown)
        timeout = earlier(timeout, int(std::max<int64_t>(0, m_killDeadlineMs - now)));
    return timeout;
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
    for (auto &p : m_pending)
        if (p->child && p->child->connId == c.id)
            p->spawn->abandon(ECONNRESET, "the request was withdrawn");
}

// The connection becomes the files helper's; PID 1 forgets it. Should the
// fork fail, closing it tells the engine.
void InitServer::handOverToFilesHelper(Connection &c)
{
    UniqueFd watched(::fcntl(c.fd.get(), F_DUPFD_CLOEXEC, 0));
    pid_t pid = startFilesHelper(std::move(c.fd), std::move(c.parser), c.out, m_syscallFilter);
    if (pid > 0 && watched.valid())
        m_filesHelpers.add(pid, std::move(watched));
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
                m_egressReports.add(std::move(*refusal), monotonicMs());
    m_refusedCalls.forgetEnded();
}

void InitServer::readDroppedPackets()
{
    for (DroppedPacket &p : readDropLog(m_dropLog.fd.get())) {
        const int64_t now = monotonicMs();
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

InitServer::Connection *InitServer::connection(uint64_t id)
{
    for (auto &c : m_connections)
        if (c->id == id && !c->dead)
            return c.get();
    return nullptr;
}

} // namespace paddock::init
