// What PID 1 refused, on its way to the engine's egress log (the egress
// connection's EgressRefusal frames).
//
// A workload can refuse itself in a loop: at most kPerSecond reports leave
// in a second; past that, the latest is held and, when the second is over,
// leaves counting the others (`repeats`). While no engine listens (it
// restarts), up to kMaxQueued wait.
#pragma once

#include "paddock/wire/egress_messages.h"

#include <cstdint>
#include <deque>
#include <vector>

namespace paddock::init {

class EgressReports {
public:
    static constexpr int kPerSecond = 20;
    static constexpr size_t kMaxQueued = 256;

    void add(wire::EgressRefusal r, int64_t nowMs);
    // Whether add() now would send it on its own (not fold it into a count):
    // costly details are worth finding only then.
    bool wouldSend(int64_t nowMs) const;
    // Releases the held report once its second is over.
    void tick(int64_t nowMs);
    // For poll(): when tick() has something to do; -1 for never.
    int msUntilTick(int64_t nowMs) const;
    bool empty() const { return m_queue.empty(); }
    std::vector<wire::EgressRefusal> take(); // oldest first

private:
    void queue(wire::EgressRefusal r);

    std::deque<wire::EgressRefusal> m_queue;
    int64_t m_windowStartMs = INT64_MIN / 2;
    int m_inWindow = 0;
    wire::EgressRefusal m_held; // the latest of those over the limit
    uint32_t m_unreported = 0;
};

} // namespace paddock::init
