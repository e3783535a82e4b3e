#include "egress_reports.h"

#include <algorithm>

namespace paddock::init {

void EgressReports::add(wire::EgressRefusal r, int64_t nowMs)
{
    tick(nowMs);
    if (nowMs - m_windowStartMs >= 1000) {
        m_windowStartMs = nowMs;
        m_inWindow = 0;
    }
    if (++m_inWindow <= kPerSecond)
        return queue(std::move(r));
    m_held = std::move(r);
    ++m_unreported;
}

bool EgressReports::wouldSend(int64_t nowMs) const
{
    return nowMs - m_windowStartMs >= 1000 || m_inWindow < kPerSecond;
}

void EgressReports::tick(int64_t nowMs)
{
    if (m_unreported == 0 || nowMs - m_windowStartMs < 1000)
        return;
    m_held.repeats = m_unreported - 1;
    queue(std::move(m_held));
    m_held = {};
    m_unreported = 0;
    m_windowStartMs = nowMs; // the summary counts against the new second
    m_inWindow = 1;
}

int EgressReports::msUntilTick(int64_t nowMs) const
{
    if (m_unreported == 0)
        return -1;
    return int(std::clamp<int64_t>(m_windowStartMs + 1000 - nowMs, 0, 1000));
}

void EgressReports::queue(wire::EgressRefusal r)
{
    if (m_queue.size() >= kMaxQueued)
        m_queue.pop_front(); // nobody listening for long: the newest matter most
    m_queue.push_back(std::move(r));
}

std::vector<wire::EgressRefusal> EgressReports::take()
{
    std::vector<wire::EgressRefusal> out(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.end()));
    m_queue.clear();
    return out;
}

} // namespace paddock::init
