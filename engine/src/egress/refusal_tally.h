// Refusals of one kind from one sandbox (over its connection cap, over its
// question cap, over its DNS rate, no fake address free), logged as one
// entry per window that says how many: each refusal is still made at once,
// but a flood must not also flood the log and the UI.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/egress.h"

#include <QObject>
#include <QTimer>

#include <functional>

namespace paddock::egress {

class EgressLog;

class RefusalTally : public QObject {
    Q_OBJECT
public:
    // `describe(count)` makes the window's entry; it is logged to `log`.
    using Describe = std::function<EgressLogEntry(int count)>;
    RefusalTally(EgressLog &log, Describe describe, QObject *parent = nullptr);
    ~RefusalTally() override; // logs what is counted

    void count();
    int total() const { return m_total; } // since it was made, for tests and diagnostics

private:
    void flush();

    EgressLog &m_log;
    Describe m_describe;
    int m_count = 0; // in the current window
    int m_total = 0;
    QTimer m_window;
};

} // namespace paddock::egress
