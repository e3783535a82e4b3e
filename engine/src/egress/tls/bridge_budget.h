// The memory one sandbox's TLS bridges hold in their queues (what each
// queue occupies, used or not: ByteQueue::footprint), summed across the
// TLS workers' threads (limits::kTlsBufferPerSandbox). The gates'
// queues are counted in the sandbox's LeaseBook on the engine thread; the
// bridges beside them run on workers, so theirs is a counter of its own.
//
// Thread ownership: any thread (atomic). Shared by the sandbox's egress and
// every bridge it started, so a bridge that outlives its sandbox's egress
// still counts into something that exists.
#pragma once

#include <atomic>
#include <cstddef>

namespace paddock::egress::tls {

class BridgeBudget {
public:
    explicit BridgeBudget(size_t cap) : m_cap(cap) { }

    size_t held() const { return m_held.load(std::memory_order_relaxed); }
    bool spent() const { return held() >= m_cap; }
    // Bridges open now. A bridge outlives its connection's lease by up to
    // its handshake or closing timeout, so the sandbox's accept looks at
    // this too: bridges are descriptors (two each) beside the lease's.
    int bridges() const { return m_bridges.load(std::memory_order_relaxed); }
    void bridgeOpened() { m_bridges.fetch_add(1, std::memory_order_relaxed); }
    void bridgeClosed() { m_bridges.fetch_sub(1, std::memory_order_relaxed); }
    // One bridge's count went from `before` to `after`.
    void recount(size_t before, size_t after)
    {
        if (after > before)
            m_held.fetch_add(after - before, std::memory_order_relaxed);
        else
            m_held.fetch_sub(before - after, std::memory_order_relaxed);
    }

private:
    std::atomic<size_t> m_held { 0 };
    std::atomic<int> m_bridges { 0 };
    const size_t m_cap;
};

} // namespace paddock::egress::tls
