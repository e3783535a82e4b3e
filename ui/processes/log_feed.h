// One read of a process's log (paddock/log_stream.h), relayed to the UI
// thread. The stream lives on the engine thread; the feed lives here, and
// deleting the feed ends the read there.
#pragma once

#include "paddock/log_stream.h"

#include <QObject>
#include <QPointer>

namespace paddock::ui {

class EngineBridge;

class LogFeed : public QObject {
    Q_OBJECT
public:
    LogFeed(EngineBridge &engine, QObject *parent = nullptr);
    ~LogFeed() override;

    void open(const QString &sandboxId, const QString &procId, bool follow, const LogRange &range);

Q_SIGNALS:
    void started(qint64 offset, qint64 earliest);
    void data(const QByteArray &bytes);
    void dropped(qint64 bytes);
    void finished(); // also when the log could not be opened

private:
    EngineBridge &m_engine;
    QPointer<LogStream> m_stream; // on the engine thread: only handed back there
    bool m_done = false;
};

} // namespace paddock::ui
