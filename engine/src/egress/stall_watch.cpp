#include "stall_watch.h"

namespace paddock::egress {

StallWatch::StallWatch(int stalledMs, std::function<void()> onStall, QObject *parent)
    : QObject(parent)
    , m_stalledMs(stalledMs)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, std::move(onStall));
}

void StallWatch::queued(size_t bytes)
{
    if (bytes == 0)
        m_timer.stop();
    else if (bytes != m_last || !m_timer.isActive())
        m_timer.start(m_stalledMs);
    m_last = bytes;
}

} // namespace paddock::egress
