// Milliseconds on CLOCK_MONOTONIC: PID 1's deadlines do not move with the
// wall clock.
#pragma once

#include <time.h>

#include <cstdint>

namespace paddock::init {

inline int64_t monotonicMs()
{
    timespec ts {};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

} // namespace paddock::init
