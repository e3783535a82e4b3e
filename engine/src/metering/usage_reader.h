// Reads sandboxes' usage on a worker thread: the rootless mode scans the
// host's /proc, which takes milliseconds that the engine thread (every
// sandbox's DNS answers and egress decisions) must not spend.
//
// Thread ownership: read() and `done` on the reader's thread (the
// engine's); the worker only calls ResourceControl::read.
#pragma once

#include "resource_control.h"

#include <QObject>
#include <QThreadPool>

#include <functional>

namespace paddock::metering {

class UsageReader : public QObject {
    Q_OBJECT
public:
    // `control` outlives the reader.
    UsageReader(const ResourceControl &control, QObject *parent = nullptr);
    ~UsageReader() override; // waits for a read under way (milliseconds)

    void read(const QString &sandboxId, qint64 initPid, std::function<void(const ResourceUsage &)> done);

private:
    const ResourceControl &m_control;
    QThreadPool m_pool;
};

} // namespace paddock::metering
