#include "splice_relay.h"

#include "tls_client_hello.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace paddock::egress {

namespace {

// Each direction's pipe; what one splice call can move. Larger pipes count
// against the user's pipe-buffer quota (fs.pipe-user-pages-soft).
constexpr int kPipeSize = 1024 * 1024;
constexpr size_t kMaxFirstFlight = kMaxClientHelloRecords;
constexpr int kMaxEvents = 64;

struct Direction {
    int from = -1, to = -1;
    UniqueFd pipeRead, pipeWrite;
    size_t pending = 0; // bytes in the pipe
    bool eof = false; // `from` sent its FIN
    bool shut = false; // the FIN was passed on to `to`
    qint64 bytes = 0;
    // Edge-triggered readiness, as epoll last reported it: a call that
    // would block clears it, the next edge sets it, and nothing is tried
    // in between (no syscall spent on EAGAIN).
    bool canRead = true, canWrite = true;
    bool done() const { return shut; }
};

struct Pair {
    quint64 id = 0;
    UniqueFd client, upstream;
    Direction out, in; // client → upstream, upstream → client
    FirstFlightCheck check; // while set, client bytes are read into `first`
    std::string first;
    RelayFinished finished;
    RelayProgress progress;
    RelayTotals totals;
    qint64 reported = -1; // out + in bytes when progress last ran
    bool failed = false;
};

QString undecidedReason(size_t held, bool ended)
{
    return ended ? QStringLiteral("the sandbox closed its side after %1 bytes, before its first bytes could be checked").arg(held)
                 : QStringLiteral("first bytes too long to check (%1 bytes held, no decision)").arg(held);
}

bool makePipe(Direction &d)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return false;
    d.pipeRead.reset(fds[0]);
    d.pipeWrite.reset(fds[1]);
    (void)::fcntl(fds[1], F_SETPIPE_SZ, kPipeSize); // best effort: the default size works too
    return true;
}

} // namespace

class SpliceRelay::Loop {
public:
    Loop()
    {
        m_epoll.reset(::epoll_create1(EPOLL_CLOEXEC));
        m_wake.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.u64 = kWakeKey;
        ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_wake.get(), &ev);
        m_thread = std::thread([this] { run(); });
    }

    ~Loop()
    {
        post([this] { m_stopping = true; });
        m_thread.join();
    }

    void post(std::function<void()> command)
    {
        {
            std::lock_guard lock(m_mutex);
            m_commands.push_back(std::move(command));
        }
        uint64_t one = 1;
        (void)!::write(m_wake.get(), &one, sizeof one);
    }

    void add(std::unique_ptr<Pair> p)
    {
        quint64 id = p->id;
        Pair &pair = *p;
        m_pairs.emplace(id, std::move(p));
        if (!makePipe(pair.out) || !makePipe(pair.in)) {
            fail(pair, QStringLiteral("relay pipe"));
            finish(pair);
            return;
        }
        pair.out.from = pair.client.get();
        pair.out.to = pair.upstream.get();
        pair.in.from = pair.upstream.get();
        pair.in.to = pair.client.get();
        // Edge-triggered, both ways, for the pair's life: pump() always goes
        // on until a read or a write would block, so every wait has an edge
        // to end it, and no epoll_ctl is spent per round.
        for (int side = 0; side < 2; ++side) {
            epoll_event ev {};
            ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
            ev.data.u64 = id << 1 | quint64(side);
            ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, side == 0 ? pair.client.get() : pair.upstream.get(), &ev);
        }
        pump(pair);
    }

    void close(quint64 id)
    {
        auto it = m_pairs.find(id);
        if (it != m_pairs.end())
            finish(*it->second);
    }

private:
    static constexpr uint64_t kWakeKey = ~uint64_t(0);

    void run()
    {
        epoll_event events[kMaxEvents];
        while (!m_stopping) {
            int n = ::epoll_wait(m_epoll.get(), events, kMaxEvents, progressTimeout());
            for (int i = 0; i < n; ++i) {
                if (events[i].data.u64 == kWakeKey) {
                    runCommands();
                    continue;
                }
                auto it = m_pairs.find(events[i].data.u64 >> 1);
                if (it == m_pairs.end())
                    continue;
                Pair &p = *it->second;
                const bool upstream = events[i].data.u64 & 1;
                const uint32_t ev = events[i].events;
                if (ev & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
                    (upstream ? p.in : p.out).canRead = true;
                if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
                    (upstream ? p.out : p.in).canWrite = true;
                pump(p);
            }
            reportProgress();
            reapFinished();
        }
        for (auto &[id, p] : m_pairs)
            finish(*p);
        reapFinished();
    }

    void runCommands()
    {
        uint64_t count;
        (void)!::read(m_wake.get(), &count, sizeof count);
        std::deque<std::function<void()>> commands;
        {
            std::lock_guard lock(m_mutex);
            commands.swap(m_commands);
        }
        for (auto &c : commands)
            c();
    }

    // Moves whatever can move now, both ways, then updates what to wait for.
    void pump(Pair &p)
    {
        if (p.failed)
            return;
        bool progress = true;
        while (progress && !p.failed) {
            progress = false;
            if (p.check)
                progress |= readFirstFlight(p);
            else
                progress |= move(p, p.out);
            progress |= move(p, p.in);
        }
        if (p.failed || (p.out.done() && p.in.done()))
            finish(p);
        else if (p.progress && p.out.bytes + p.in.bytes != p.reported && m_moved.insert(p.id).second && m_moved.size() == 1)
            m_nextProgress = Clock::now() + std::chrono::milliseconds(kProgressEveryMs);
    }

    // Until the next progress report is due; forever when no bytes moved.
    int progressTimeout() const
    {
        if (m_moved.empty())
            return -1;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_nextProgress - Clock::now()).count();
        return int(std::clamp<qint64>(left, 0, kProgressEveryMs));
    }

    void reportProgress()
    {
        if (m_moved.empty() || Clock::now() < m_nextProgress)
            return;
        for (quint64 id : m_moved) {
            auto it = m_pairs.find(id);
            if (it == m_pairs.end() || !it->second->finished)
                continue; // ended meanwhile: its `finished` said it all
            Pair &p = *it->second;
            p.totals.bytesOut = p.out.bytes;
            p.totals.bytesIn = p.in.bytes;
            p.reported = p.out.bytes + p.in.bytes;
            p.progress(p.totals);
        }
        m_moved.clear();
    }

    // Holds the client's first bytes until the check decides. A check that
    // has not decided when the client stops sending (its FIN) or when the
    // buffer is full refuses: nothing unchecked goes on.
    bool readFirstFlight(Pair &p)
    {
        char buf[16384];
        const size_t room = std::min(sizeof buf, kMaxFirstFlight - p.first.size());
        if (!p.out.canRead && room)
            return false;
        ssize_t n = 0;
        if (room) {
            n = ::recv(p.client.get(), buf, room, 0);
            if (n < 0 && errno == EAGAIN)
                p.out.canRead = false;
            if (n < 0)
                return errno == EAGAIN ? false : fail(p, QStringLiteral("sandbox side"));
            p.first.append(buf, size_t(n));
        }
        const bool ended = room && n == 0;
        FirstFlight verdict = p.check(p.first);
        if (verdict.verdict == FirstFlight::Verdict::NeedMore && room && !ended)
            return n > 0;
        if (verdict.verdict == FirstFlight::Verdict::NeedMore && !p.first.empty())
            verdict = FirstFlight { FirstFlight::Verdict::Refuse, {}, undecidedReason(p.first.size(), ended) };
        if (verdict.verdict == FirstFlight::Verdict::Refuse) {
            p.totals.refusal = verdict.reason;
            return fail(p);
        }
        p.totals.protocol = verdict.protocol;
        p.check = nullptr;
        // Into the pipe: it is empty and larger than the most we hold.
        if (!p.first.empty() && ::write(p.out.pipeWrite.get(), p.first.data(), p.first.size()) != ssize_t(p.first.size()))
            return fail(p);
        p.out.pending = p.first.size();
        p.out.bytes = qint64(p.first.size());
        p.out.eof = ended;
        p.first.clear();
        p.first.shrink_to_fit();
        return true;
    }

    bool move(Pair &p, Direction &d)
    {
        bool progress = false;
        if (!d.eof && d.canRead && d.pending < size_t(kPipeSize)) {
            ssize_t n = ::splice(d.from, nullptr, d.pipeWrite.get(), nullptr, size_t(kPipeSize) - d.pending,
                                 SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                d.pending += size_t(n);
                d.bytes += n;
                progress = true;
            } else if (n == 0) {
                d.eof = true;
                progress = true;
            } else if (errno == EAGAIN) {
                // The socket is empty, or the pipe is full: a pipe counts
                // buffers, not bytes, so many small segments fill it before
                // `pending` says so. Only an empty socket waits for its next
                // edge; a full pipe is read again once the write side drains
                // it (a socket whose sender is stalled on a full window
                // would never raise another edge: the transfer would hang).
                int queued = 0;
                if (::ioctl(d.from, FIONREAD, &queued) != 0 || queued == 0)
                    d.canRead = false;
            } else {
                return fail(p, sideName(p, d.from));
            }
        }
        if (d.pending > 0 && d.canWrite) {
            ssize_t n = ::splice(d.pipeRead.get(), nullptr, d.to, nullptr, d.pending, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                d.pending -= size_t(n);
                progress = true;
            } else if (n < 0 && errno == EAGAIN) {
                d.canWrite = false;
            } else if (n < 0) {
                return fail(p, sideName(p, d.to));
            }
        }
        if (d.eof && d.pending == 0 && !d.shut) {
            ::shutdown(d.to, SHUT_WR);
            d.shut = true;
            progress = true;
        }
        return progress;
    }

    bool fail(Pair &p)
    {
        p.failed = true;
        return false;
    }

    // A socket error (errno set by the failed call): the log says which side
    // and why, so an allowed connection that broke reads differently from
    // one that ended.
    bool fail(Pair &p, const QString &side)
    {
        if (p.totals.error.isEmpty())
            p.totals.error = side + QStringLiteral(": ") + QString::fromLocal8Bit(std::strerror(errno));
        return fail(p);
    }

    static QString sideName(const Pair &p, int fd)
    {
        return fd == p.client.get() ? QStringLiteral("sandbox side") : QStringLiteral("upstream");
    }

    // Closes both sockets and reports; the pair is freed after this round
    // of events, which may still name it.
    void finish(Pair &p)
    {
        if (!p.finished)
            return;
        p.totals.bytesOut = p.out.bytes;
        p.totals.bytesIn = p.in.bytes;
        if (p.failed && !p.totals.refusal.isEmpty()) {
            linger reset { 1, 0 }; // refused: the client sees a reset, not a clean end
            ::setsockopt(p.client.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        }
        p.client.reset();
        p.upstream.reset();
        RelayFinished done = std::move(p.finished);
        p.finished = nullptr;
        p.failed = true;
        m_finished.push_back(p.id);
        done(p.totals);
    }

    void reapFinished()
    {
        for (quint64 id : m_finished)
            m_pairs.erase(id);
        m_finished.clear();
    }

    UniqueFd m_epoll, m_wake;
    std::mutex m_mutex;
    std::deque<std::function<void()>> m_commands; // guarded by m_mutex
    std::unordered_map<quint64, std::unique_ptr<Pair>> m_pairs; // relay thread only
    std::vector<quint64> m_finished;
    using Clock = std::chrono::steady_clock;
    std::unordered_set<quint64> m_moved; // pairs whose bytes moved since their last progress
    Clock::time_point m_nextProgress;
    bool m_stopping = false;
    std::thread m_thread;
};

SpliceRelay::SpliceRelay() : m_loop(std::make_unique<Loop>()) { }

SpliceRelay::~SpliceRelay() = default;

quint64 SpliceRelay::add(UniqueFd client, UniqueFd upstream, FirstFlightCheck check, RelayFinished finished,
                         RelayProgress progress)
{
    static std::atomic<quint64> nextId { 1 };
    auto p = std::make_unique<Pair>();
    p->id = nextId++;
    p->client = std::move(client);
    p->upstream = std::move(upstream);
    p->check = std::move(check);
    p->finished = std::move(finished);
    p->progress = std::move(progress);
    const quint64 id = p->id;
    // std::function needs a copyable callable: the pair travels as a raw
    // pointer and is owned again on the relay thread.
    Pair *raw = p.release();
    m_loop->post([this, raw] { m_loop->add(std::unique_ptr<Pair>(raw)); });
    return id;
}

void SpliceRelay::close(quint64 id)
{
    m_loop->post([this, id] { m_loop->close(id); });
}

} // namespace paddock::egress
