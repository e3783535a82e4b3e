#include "tls_worker_pool.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace paddock::egress::tls {

namespace {

constexpr int kMaxEvents = 64;
constexpr int kIdleWaitMs = 1000;

uint32_t interest(bool read, bool write)
{
    return (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
}

// A socket not in the epoll set. (One in it for no events still reports
// its hang-up: EPOLLHUP and EPOLLERR are always reported.)
constexpr uint32_t kUnwatched = ~0u;

} // namespace

class TlsWorkerPool::Worker {
public:
    Worker()
        : m_epoll(::epoll_create1(EPOLL_CLOEXEC))
        , m_wake(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
    {
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.ptr = nullptr; // the wake-up
        ::epoll_ctl(m_epoll.get(), EPOLL_CTL_ADD, m_wake.get(), &ev);
        m_thread = std::thread([this] { run(); });
    }

    ~Worker()
    {
        m_stopping = true;
        wake();
        m_thread.join();
    }

    void add(std::unique_ptr<TlsBridge> bridge)
    {
        {
            std::lock_guard lock(m_mutex);
            m_incoming.push_back(std::move(bridge));
        }
        ++m_count;
        wake();
    }

    int count() const { return m_count; }

private:
    // Per bridge: which of its sockets epoll watches, and for what.
    struct Watched {
        std::unique_ptr<TlsBridge> bridge;
        uint32_t encrypted = kUnwatched, plain = kUnwatched;
    };

    void wake()
    {
        const uint64_t one = 1;
        (void)!::write(m_wake.get(), &one, sizeof one);
    }

    void run()
    {
        epoll_event events[kMaxEvents];
        while (!m_stopping) {
            takeIncoming();
            const int n = ::epoll_wait(m_epoll.get(), events, kMaxEvents, waitMs());
            for (int i = 0; i < n; ++i) {
                if (!events[i].data.ptr) {
                    uint64_t drained;
                    (void)!::read(m_wake.get(), &drained, sizeof drained);
                    continue;
                }
                serve(static_cast<TlsBridge *>(events[i].data.ptr));
            }
            expireDeadlines();
        }
        for (auto &[bridge, watched] : m_bridges)
            bridge->abandon(QStringLiteral("Paddock's egress is stopping"));
        m_bridges.clear();
    }

    void takeIncoming()
    {
        std::vector<std::unique_ptr<TlsBridge>> incoming;
        {
            std::lock_guard lock(m_mutex);
            incoming.swap(m_incoming);
        }
        for (auto &bridge : incoming) {
            TlsBridge *raw = bridge.get();
            m_bridges.emplace(raw, Watched { std::move(bridge) });
            if (!raw->begin()) {
                drop(raw);
                continue;
            }
            update(raw);
        }
    }

    void serve(TlsBridge *bridge)
    {
        if (!m_bridges.count(bridge)) return; // dropped earlier in this round
        bridge->pump();
        update(bridge);
    }

    // Watches what the bridge now waits for. A socket it waits on for
    // nothing is taken out, or its hang-up would wake the worker forever —
    // except a plaintext side the bridge must hear close while it does not
    // read it (TlsBridge::watchesPlainHangup).
    void update(TlsBridge *bridge)
    {
        if (bridge->finished()) return drop(bridge);
        Watched &w = m_bridges.at(bridge);
        watch(bridge, bridge->encryptedFd(), w.encrypted,
            interest(bridge->wantsEncryptedRead(), bridge->wantsEncryptedWrite()), false);
        watch(bridge, bridge->plainFd(), w.plain,
            interest(bridge->wantsPlainRead(), bridge->wantsPlainWrite()),
            bridge->watchesPlainHangup());
    }

    void watch(TlsBridge *bridge, int fd, uint32_t &current, uint32_t events, bool hangups)
    {
        const uint32_t wanted = events == 0 && !hangups ? kUnwatched : events;
        if (wanted == current) return;
        epoll_event ev {};
        ev.events = wanted == kUnwatched ? 0 : wanted;
        ev.data.ptr = bridge;
        const int op = wanted == kUnwatched ? EPOLL_CTL_DEL
            : current == kUnwatched         ? EPOLL_CTL_ADD
                                            : EPOLL_CTL_MOD;
        ::epoll_ctl(m_epoll.get(), op, fd, &ev);
        current = wanted;
    }

    void drop(TlsBridge *bridge)
    {
        auto it = m_bridges.find(bridge);
        Watched &w = it->second;
        if (w.encrypted != kUnwatched)
            ::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, bridge->encryptedFd(), nullptr);
        if (w.plain != kUnwatched) ::epoll_ctl(m_epoll.get(), EPOLL_CTL_DEL, bridge->plainFd(), nullptr);
        m_bridges.erase(it);
        --m_count;
    }

    int waitMs() const
    {
        auto soonest = std::chrono::steady_clock::time_point::max();
        for (const auto &[bridge, watched] : m_bridges)
            soonest = std::min(soonest, bridge->deadline());
        if (soonest == std::chrono::steady_clock::time_point::max()) return kIdleWaitMs;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            soonest - std::chrono::steady_clock::now());
        return int(std::clamp<long long>(left.count() + 1, 0, kIdleWaitMs));
    }

    void expireDeadlines()
    {
        const auto now = std::chrono::steady_clock::now();
        std::vector<TlsBridge *> expired;
        for (const auto &[bridge, watched] : m_bridges)
            if (bridge->deadline() <= now) expired.push_back(bridge);
        for (TlsBridge *bridge : expired) {
            bridge->expire();
            drop(bridge);
        }
    }

    UniqueFd m_epoll, m_wake;
    std::thread m_thread;
    std::atomic<bool> m_stopping { false };
    std::atomic<int> m_count { 0 };
    std::mutex m_mutex; // guards m_incoming
    std::vector<std::unique_ptr<TlsBridge>> m_incoming;
    std::unordered_map<TlsBridge *, Watched> m_bridges; // the worker thread's own
};

TlsWorkerPool::TlsWorkerPool(int threads)
{
    for (int i = 0; i < std::max(1, threads); ++i)
        m_workers.push_back(std::make_unique<Worker>());
}

TlsWorkerPool::~TlsWorkerPool() = default;

void TlsWorkerPool::add(std::unique_ptr<TlsBridge> bridge)
{
    auto least = std::min_element(m_workers.begin(), m_workers.end(),
        [](const auto &a, const auto &b) { return a->count() < b->count(); });
    (*least)->add(std::move(bridge));
}

int TlsWorkerPool::openBridges() const
{
    int n = 0;
    for (const auto &w : m_workers)
        n += w->count();
    return n;
}

} // namespace paddock::egress::tls
