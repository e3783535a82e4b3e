// A token bucket: `ratePerSecond` tokens accrue each second, at most
// `burst` saved up; each event takes one or is refused. A cost known only
// afterwards (time spent) is spent once there is something left, and may
// leave the bucket in debt that time repays. Time comes from the caller
// (milliseconds of a monotonic clock), so the arithmetic is testable.
//
// Thread ownership: whoever owns it; not shared.
#pragma once

#include <QtGlobal>

namespace paddock::egress {

class TokenBucket {
public:
    TokenBucket(double ratePerSecond, double burst);

    // True (and one token gone) when there is one at `nowMs`.
    bool take(qint64 nowMs);
    // Whether anything is left at `nowMs`; then spend() what it cost.
    bool hasAny(qint64 nowMs);
    void spend(double tokens) { m_tokens -= tokens; }

private:
    void refill(qint64 nowMs);

    double m_rate; // per millisecond
    double m_burst;
    double m_tokens; // starts full: a sandbox's first burst is real work
    qint64 m_lastMs = -1;
};

} // namespace paddock::egress
