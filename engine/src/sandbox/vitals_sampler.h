// Gathers the figures of a sandbox that take file I/O — the ports it
// listens on, the disk its own layer uses — on worker threads, never the
// engine's: the walk of a large upper directory takes seconds, and one
// sandbox must not delay another's DNS answer.
//
// The walk is the costly part: it runs for one sandbox at a time, and
// again only when its last result is older than ten times what it took
// (at least two seconds), so a view that asks every two seconds costs a
// small tree little and a huge one at most a tenth of a core.
//
// Thread ownership: sample() and `done` on the thread the sampler lives
// on (the engine thread); the workers touch only what they were given.
#pragma once

#include "paddock/sandbox_vitals.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>

namespace paddock::sandbox {

class VitalsSampler : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const ListeningPorts &, const DiskUsage &)>;

    explicit VitalsSampler(QObject *parent = nullptr);
    ~VitalsSampler() override; // cancels walks and waits for the workers (a few ms)

    // `initPid` 0: not running (no ports). `upperDir`: the layer to measure.
    void sample(const QString &sandboxId, qint64 initPid, const QString &upperDir, Done done);
    void forget(const QString &sandboxId);

private:
    struct DiskState {
        DiskUsage last;
        qint64 tookMs = 0;
        QElapsedTimer age; // since the last walk ended
        bool walking = false;
    };
    bool walkDue(const DiskState &s) const;

    QHash<QString, DiskState> m_disk; // by sandbox ID
    QThreadPool m_pool;
    std::shared_ptr<std::atomic_bool> m_cancelled = std::make_shared<std::atomic_bool>(false);
};

} // namespace paddock::sandbox
