#include "run_bounds.h"

#include <cstdio>
#include <unistd.h>

namespace paddock::handler {

namespace {

constexpr auto kPollEvery = std::chrono::milliseconds(2);

// From /proc/self/statm, opened before the helper left the host's files.
qint64 residentBytes(int statm)
{
    char text[128];
    const ssize_t n = ::pread(statm, text, sizeof text - 1, 0);
    if (n <= 0) return 0;
    text[n] = 0;
    long size = 0, resident = 0;
    return std::sscanf(text, "%ld %ld", &size, &resident) == 2
        ? qint64(resident) * sysconf(_SC_PAGESIZE)
        : 0;
}

} // namespace

RunBounds::RunBounds(qint64 maxResidentBytes, int statm)
    : m_maxResident(maxResidentBytes)
    , m_statm(statm)
    , m_thread([this] { watch(); })
{
}

RunBounds::~RunBounds()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

void RunBounds::arm(QJSEngine *engine, std::chrono::milliseconds limit)
{
    {
        std::lock_guard lock(m_mutex);
        m_engine = engine;
        m_deadline = std::chrono::steady_clock::now() + limit;
        m_timedOut = false;
    }
    m_changed.notify_all();
}

bool RunBounds::disarm()
{
    std::lock_guard lock(m_mutex);
    m_engine = nullptr;
    return m_timedOut;
}

void RunBounds::watch()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (!m_engine) {
            m_changed.wait(lock);
            continue;
        }
        m_changed.wait_for(lock, kPollEvery);
        if (!m_engine) continue;
        if (residentBytes(m_statm) > m_maxResident) {
            static const char message[]
                = "paddock-handler: the script went over its memory bound\n";
            [[maybe_unused]] auto n = ::write(2, message, sizeof message - 1);
            ::_exit(kExitOverMemory);
        }
        if (!m_timedOut && std::chrono::steady_clock::now() >= m_deadline) {
            m_timedOut = true;
            m_engine->setInterrupted(true);
        }
    }
}

} // namespace paddock::handler
