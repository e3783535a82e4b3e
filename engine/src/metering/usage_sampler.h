// Samples every running sandbox once a second and keeps what it used in
// the usage store (store/usage_store.h): the CPU burned that second and the
// memory held. One worker job reads all sandboxes at once (in rootless mode
// one /proc scan for all); the engine thread only files the results.
//
// A counter that goes down (the sandbox restarted; in rootless mode a child
// of a parent ignoring SIGCHLD ended) starts a new baseline: a second never
// records negative CPU.
//
// Thread ownership: the engine thread; the worker only calls readAll().
#pragma once

#include "resource_control.h"
#include "store/usage_store.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <optional>

namespace paddock::metering {

class UsageSampler : public QObject {
    Q_OBJECT
public:
    using RunningList = std::function<QList<ResourceControl::Running>()>;

    // `control` and `store` outlive the sampler; `running` lists the
    // sandboxes to sample now.
    UsageSampler(const ResourceControl &control, store::UsageStore &store, RunningList running,
                 QObject *parent = nullptr);
    ~UsageSampler() override; // waits for a reading under way (milliseconds)

    void start(int intervalMs = 1000);
    // The latest reading, its peak memory the highest seen since the
    // sandbox started (cgroup v1/v2 keep their own; rootless has only ours).
    std::optional<ResourceUsage> latest(const QString &sandboxId) const;
    void forget(const QString &sandboxId);

Q_SIGNALS:
    void sampled(); // each second's readings are filed

private:
    struct Baseline {
        qint64 cpuNs = 0;
        qint64 peak = 0;
        ResourceUsage latest;
    };
    void tick();
    void file(qint64 second, const QList<ResourceControl::Running> &which, const QList<ResourceUsage> &readings);

    const ResourceControl &m_control;
    store::UsageStore &m_store;
    RunningList m_running;
    QTimer m_timer;
    QThreadPool m_pool;
    bool m_reading = false; // a slow second is skipped, never queued behind
    QHash<QString, Baseline> m_baselines;
    qint64 m_lastPrune = 0;
};

} // namespace paddock::metering
