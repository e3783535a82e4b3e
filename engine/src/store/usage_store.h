// Queries on the usage_samples table: what each sandbox used, second by
// second for the last hour, minute by minute for the last week, hour by
// hour for ever (ARCHITECTURE: usage_samples). Every second's sample is
// added into all three at once, so a coarser row never waits for a roll-up.
#pragma once

#include "database.h"

#include <QDateTime>
#include <QList>

namespace paddock::store {

// One sandbox over one second, as the sampler measured it.
struct UsageSample {
    QString sandboxId;
    qint64 second = 0; // since the epoch
    qint64 cpuNs = 0; // burned in that second
    qint64 memoryBytes = 0; // held at its end
};

// One bucket of a sandbox's history.
struct UsagePoint {
    QDateTime start;
    int seconds = 1; // the bucket's width: 1, 60 or 3600
    qint64 cpuNs = 0;
    qint64 memoryMaxBytes = 0;
    double memoryByteSeconds = 0; // Σ memory × seconds sampled: GiB-seconds for the cost
    int samples = 0;
};

inline constexpr int kUsageResolutions[] = { 1, 60, 3600 };

class UsageStore {
public:
    explicit UsageStore(Database &db) : m_db(db) { }

    Result<void> record(const QList<UsageSample> &samples);
    // Buckets of `resolution` seconds from `since` on, oldest first.
    Result<QList<UsagePoint>> history(const QString &sandboxId, const QDateTime &since, int resolution);
    // Drops seconds older than an hour and minutes older than a week.
    Result<void> prune(qint64 nowSecond);
    Result<void> forget(const QString &sandboxId);

private:
    Database &m_db;
};

} // namespace paddock::store
