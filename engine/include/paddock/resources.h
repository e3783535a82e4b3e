// Value types of a sandbox's resources: the limits it runs under, what it
// has used, and how this machine enforces and measures them.
#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace paddock {

// How limits hold and usage is measured here (metering/resource_control.h).
enum class ResourceMode {
    CgroupV2, // a delegated cgroup v2 subtree (desktops with systemd)
    CgroupV1, // writable cgroup v1 hierarchies (root on this CI)
    Rootless, // no writable cgroup: PID 1's view, rlimits, oom_score_adj
};

QString resourceModeName(ResourceMode mode); // "cgroup-v2", "cgroup-v1", "rootless"

struct ResourceLimits {
    double cpus = 0; // cores, a decimal; 0: every core (but below the desktop)
    qint64 memoryBytes = 0; // 0: none
    qint64 pids = 0; // processes and threads; 0: none

    bool operator==(const ResourceLimits &) const = default;
};

// A change to some of a sandbox's limits; the fields left empty keep theirs.
struct ResourceLimitsChange {
    std::optional<double> cpus;
    std::optional<qint64> memoryBytes;
    std::optional<qint64> pids;
};

struct ResourceModeInfo {
    ResourceMode mode = ResourceMode::Rootless;
    QString detail; // where the cgroups are, or why none is used
    QStringList enforced; // what holds in this mode, one line each
    QStringList notCovered; // what does not, said plainly
    ResourceLimits defaults; // what a sandbox created with no flags gets
    int hostCpus = 1;
};

// What a sandbox has used since it started (counters) and holds now.
struct ResourceUsage {
    bool known = false; // false: stopped, or nothing could be read (see problem)
    QString problem;
    qint64 cpuNs = 0; // user + system CPU time of all its processes
    qint64 memoryBytes = 0; // now
    qint64 memoryPeakBytes = 0; // highest seen
    qint64 tasks = 0; // processes (cgroup modes: processes and threads)
};

// What a sandbox would have cost on Cloudflare Containers, which bill the
// CPU a container actually burns (active CPU) and the memory it holds.
// Defaults: their published prices (USD).
struct UsagePrices {
    double perVcpuSecond = 0.000020;
    double perGibSecond = 0.0000025;
};

// One bucket of a sandbox's history (1 s for the last hour, 1 min for the
// last week, 1 h beyond).
struct UsageBucket {
    QDateTime start;
    int seconds = 1;
    double cpuSeconds = 0;
    qint64 memoryMaxBytes = 0;
    double memoryGibSeconds = 0;
};

struct UsageHistory {
    QString sandboxId;
    QDateTime since;
    int resolution = 1; // seconds per bucket
    QList<UsageBucket> buckets; // oldest first; seconds nothing ran are absent
    double cpuSeconds = 0; // the totals of the buckets
    double memoryGibSeconds = 0;
    UsagePrices prices;
    double cost() const { return cpuSeconds * prices.perVcpuSecond + memoryGibSeconds * prices.perGibSecond; }
};

} // namespace paddock

namespace paddock {

// "2G", "512M", "1.5GiB", "1048576": bytes, powers of 1024; nullopt for
// anything else (negative, fractional bytes, overflow).
std::optional<qint64> parseByteSize(const QString &text);
// "90s", "15m", "1h", "7d", "30" (seconds): a duration in seconds, at
// most ten years; nullopt for anything else.
std::optional<qint64> parseDuration(const QString &text);
// 2147483648 → "2.0 GiB"; exact below 1 KiB.
QString formatByteSize(qint64 bytes);

} // namespace paddock
