#include "token_bucket.h"

#include <algorithm>

namespace paddock::egress {

TokenBucket::TokenBucket(double ratePerSecond, double burst)
    : m_rate(ratePerSecond / 1000.0), m_burst(burst), m_tokens(burst)
{
}

void TokenBucket::refill(qint64 nowMs)
{
    // A clock that goes back (it should not) refills nothing.
    if (m_lastMs >= 0 && nowMs > m_lastMs)
        m_tokens = std::min(m_burst, m_tokens + double(nowMs - m_lastMs) * m_rate);
    m_lastMs = std::max(m_lastMs, nowMs);
}

bool TokenBucket::take(qint64 nowMs)
{
    refill(nowMs);
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

bool TokenBucket::hasAny(qint64 nowMs)
{
    refill(nowMs);
    return m_tokens > 0;
}

} // namespace paddock::egress
