// How this machine holds a sandbox to its limits and measures what it
// uses: one implementation per mode (cgroup v2, cgroup v1, rootless),
// chosen once when the engine opens.
//
// Thread ownership: prepare/apply/release on the engine thread (they write
// a few small files); read() on any thread (UsageReader runs it on workers).
#pragma once

#include "paddock/error.h"
#include "paddock/resources.h"

#include <QStringList>

#include <memory>

namespace paddock::metering {

// What paddock-init applies to itself before it forks anything, so that
// every process of the sandbox inherits it.
struct ResourcePlacement {
    QStringList cgroupDirs; // joined (their cgroup.procs written)
    qint64 processDataLimit = 0; // RLIMIT_DATA, bytes; 0: none
};

class ResourceControl {
public:
    virtual ~ResourceControl() = default;

    virtual ResourceModeInfo info() const = 0;
    // Makes the sandbox's cgroups with `limits` in force; returns what its
    // PID 1 applies to itself. An error means the limits cannot hold: the
    // sandbox must not start.
    virtual Result<ResourcePlacement> prepare(const QString &sandboxId, const ResourceLimits &limits) = 0;
    // Changes a running sandbox's limits in place.
    virtual Result<void> apply(const QString &sandboxId, qint64 initPid, const ResourceLimits &limits) = 0;
    virtual ResourceUsage read(const QString &sandboxId, qint64 initPid) const = 0;
    // Many at once (the sampler's second): the rootless mode scans /proc
    // once for all of them.
    struct Running {
        QString sandboxId;
        qint64 initPid = 0;
    };
    virtual QList<ResourceUsage> readAll(const QList<Running> &sandboxes) const;
    // After the sandbox stopped: its cgroups go. False while one is still
    // busy (its last processes exiting): call again a little later.
    virtual bool release(const QString &sandboxId) = 0;
};

// PADDOCK_RESOURCE_MODE=rootless picks the fallback on a machine that
// could do more (to see what it covers); nothing can force a stronger mode.
std::unique_ptr<ResourceControl> detectResourceControl();

// Limits a sandbox gets for fields left 0 at create: half the memory of
// the machine and 4096 tasks, so no sandbox alone can exhaust either.
ResourceLimits defaultLimits();
ResourceLimits withDefaults(ResourceLimits limits);
// A clear refusal for limits that cannot work (negative, too small to
// start a shell, more cores than the machine has).
Result<void> validateLimits(const ResourceLimits &limits);

int hostCpuCount();

// What every mode says about the OOM killer's order (resource_placement.h
// in paddock-init sets it).
void describeOomOrder(ResourceModeInfo &info);

// The directory name of a sandbox's cgroup under Paddock's.
QString sandboxCgroupName(const QString &sandboxId);

} // namespace paddock::metering
