// The fallback where no cgroup is writable (an ordinary user on a cgroup
// v1 machine): usage from the host's /proc (PID 1's tree: its processes'
// own times plus what each reaped), memory bounded per process with
// RLIMIT_DATA, processes by the per-user-namespace RLIMIT_NPROC share
// (paddock-init's user_limits.h), and every sandbox process first in line
// for the kernel's OOM killer. What this leaves out is listed in info().
#pragma once

#include "resource_control.h"

#include <QHash>
#include <QMutex>

namespace paddock::metering {

class RootlessControl : public ResourceControl {
public:
    explicit RootlessControl(QString why);

    ResourceModeInfo info() const override;
    Result<ResourcePlacement> prepare(const QString &sandboxId, const ResourceLimits &limits) override;
    Result<void> apply(const QString &sandboxId, qint64 initPid, const ResourceLimits &limits) override;
    ResourceUsage read(const QString &sandboxId, qint64 initPid) const override;
    QList<ResourceUsage> readAll(const QList<Running> &sandboxes) const override;
    bool release(const QString &sandboxId) override;

private:
    QString m_why;
};

// Usage from the host's /proc: what the rootless mode reports, and what
// the cgroup modes fall back to for a sandbox outside Paddock's cgroups.
ResourceUsage readFromProcessTree(qint64 initPid);
struct ProcStat;
ResourceUsage usageFromTable(const QList<ProcStat> &table, qint64 initPid);

} // namespace paddock::metering
