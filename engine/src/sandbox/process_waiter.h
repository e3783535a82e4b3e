// Waits for one background process to end or to print a line matching a
// pattern, with a timeout. Owns itself; calls `done` exactly once.
#pragma once

#include "paddock/engine.h"
#include "paddock/log_stream.h"

#include <QPointer>
#include <QRegularExpression>
#include <QTimer>

namespace paddock::sandbox {

class ProcessWaiter : public QObject {
    Q_OBJECT
public:
    static void start(Engine &engine, const ProcessInfo &process, const WaitCondition &until,
                      Callback<WaitResult> done);

private:
    ProcessWaiter(Engine &engine, const ProcessInfo &process, Callback<WaitResult> done);
    void watchExit();
    Result<void> watchLog(const QString &pattern);
    void onLogData(const QByteArray &bytes);
    bool matches(const QByteArray &line);
    void complete(Result<WaitResult> result);

    Engine &m_engine;
    ProcessInfo m_process;
    Callback<WaitResult> m_done;
    QRegularExpression m_pattern;
    QByteArray m_partialLine;
    QTimer m_timeout;
    QPointer<LogStream> m_stream;
    bool m_completed = false;
};

} // namespace paddock::sandbox
