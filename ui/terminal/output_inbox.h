// Terminal output handed from the engine thread to the UI thread in bulk.
// The engine thread appends each chunk; only the first chunk after the UI
// side has emptied the inbox wakes it (one queued call), and the UI side
// takes a bounded slice per event-loop turn. A flood of small chunks then
// costs the UI thread one queued call per slice instead of one per chunk,
// and timers, input and painting run between slices (a queue of thousands
// of per-chunk calls starved them for seconds).
#pragma once

#include <QByteArray>
#include <QMutex>
#include <QObject>

#include <deque>

namespace paddock::ui {

class OutputInbox {
public:
    // Engine thread. True when the UI side must be woken.
    bool push(const QByteArray &bytes);
    // UI thread: at most maxBytes (all with -1); `more` says whether to come back.
    QByteArray take(qsizetype maxBytes, bool *more = nullptr);

private:
    QMutex m_mutex;
    std::deque<QByteArray> m_chunks; // guarded by m_mutex
    bool m_awake = false; // a wake-up is on its way or being served; guarded by m_mutex
};

// Lives on the engine thread with the session; its signal reaches the UI
// side queued, and Qt drops it if the receiver is gone.
class OutputWaker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    void wake();
};

} // namespace paddock::ui
