// Ends a gated connection whose queued bytes stopped moving: the far side
// takes nothing and the near side, not read while the queue is full, may
// long be gone (its hang-up is never seen while it is not read). Such a
// connection would hold its place under its sandbox's cap and its bytes
// under its budget for good.
//
// The gate tells it how many bytes it holds after every change; a total
// that stays the same, and not zero, for limits::kStalledConnectionMs is
// a stall. Reading is off while the queues are full, so only a write to
// either side changes the total.
//
// Thread ownership: the owner's (the engine thread).
#pragma once

#include <QObject>
#include <QTimer>

#include <cstddef>
#include <functional>

namespace paddock::egress {

class StallWatch : public QObject {
    Q_OBJECT
public:
    StallWatch(int stalledMs, std::function<void()> onStall, QObject *parent = nullptr);
    // What the connection holds now, both ways.
    void queued(size_t bytes);

private:
    QTimer m_timer;
    size_t m_last = 0;
    int m_stalledMs;
};

} // namespace paddock::egress
