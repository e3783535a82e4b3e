#include "memory_give_back.h"

#include <QThreadPool>

#include <malloc.h>

#include <atomic>
#include <chrono>

namespace paddock::egress {

void giveFreedMemoryBack()
{
    static std::atomic<bool> running { false };
    static std::atomic<int64_t> lastMs { -kMinGiveBackIntervalMs };
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now().time_since_epoch()).count();
    if (now - lastMs.load() < kMinGiveBackIntervalMs || running.exchange(true)) return;
    lastMs = now;
    QThreadPool::globalInstance()->start([] {
        malloc_trim(0);
        running = false;
    });
}

} // namespace paddock::egress
