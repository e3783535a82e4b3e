// The bounds a handler runs under (paddock-handler): wall time and
// resident memory, watched from a thread of their own while a script runs.
// Time: the script is interrupted (QJSEngine::setInterrupted) and the
// request denied. Memory: the helper exits with kExitOverMemory, which the
// engine reports; a script cannot be stopped half-way through an
// allocation any other way.
#pragma once

#include <QJSEngine>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace paddock::handler {

inline constexpr int kExitOverMemory = 3;

class RunBounds {
public:
    // `statm`: /proc/self/statm, open (the helper's root has no /proc).
    RunBounds(qint64 maxResidentBytes, int statm);
    ~RunBounds();
    RunBounds(const RunBounds &) = delete;
    RunBounds &operator=(const RunBounds &) = delete;

    // Watches `engine` until disarm(); true from disarm() if it ran out of time.
    void arm(QJSEngine *engine, std::chrono::milliseconds limit);
    bool disarm();
    qint64 maxResidentBytes() const { return m_maxResident; }

private:
    void watch();

    const qint64 m_maxResident;
    const int m_statm;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    QJSEngine *m_engine = nullptr;
    std::chrono::steady_clock::time_point m_deadline;
    bool m_timedOut = false;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace paddock::handler
