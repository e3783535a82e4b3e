#include "resource_control.h"

#include "cgroup_layout.h"
#include "cgroup_v1_control.h"
#include "cgroup_v2_control.h"
#include "rootless_control.h"

#include <QFile>

#include <unistd.h>

namespace paddock::metering {

namespace {

constexpr qint64 kDefaultPids = 4096;
constexpr qint64 kMinMemoryBytes = 16ll << 20;
constexpr qint64 kMinPids = 16;
constexpr qint64 kMaxPids = 4194304; // the kernel's PID_MAX_LIMIT

qint64 physicalMemoryBytes()
{
    const long pages = ::sysconf(_SC_PHYS_PAGES);
    const long page = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? qint64(pages) * page : 0;
}

} // namespace

QList<ResourceUsage> ResourceControl::readAll(const QList<Running> &sandboxes) const
{
    QList<ResourceUsage> out;
    for (const Running &r : sandboxes)
        out.append(read(r.sandboxId, r.initPid));
    return out;
}

int hostCpuCount()
{
    const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? int(n) : 1;
}

void describeOomOrder(ResourceModeInfo &info)
{
    info.enforced << QStringLiteral("out of memory: the kernel kills sandbox processes before yours (oom_score_adj 1000)");
    info.notCovered << QStringLiteral("out of memory: a sandbox process may lower its own or another sandbox "
                                      "process's oom_score_adj back to 0, level with yours (never below)");
}

QString sandboxCgroupName(const QString &sandboxId) { return QStringLiteral("sb-") + sandboxId; }

ResourceLimits defaultLimits()
{
    ResourceLimits l;
    l.memoryBytes = physicalMemoryBytes() / 2;
    l.pids = kDefaultPids;
    return l;
}

ResourceLimits withDefaults(ResourceLimits limits)
{
    const ResourceLimits d = defaultLimits();
    if (limits.memoryBytes == 0)
        limits.memoryBytes = d.memoryBytes;
    if (limits.pids == 0)
        limits.pids = d.pids;
    return limits;
}

Result<void> validateLimits(const ResourceLimits &limits)
{
    if (limits.cpus < 0 || limits.cpus > hostCpuCount() || (limits.cpus > 0 && limits.cpus < 0.01))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("cpus must be between 0.01 and %1 (this machine's cores); got %2")
                        .arg(hostCpuCount())
                        .arg(limits.cpus));
    if (limits.memoryBytes < 0 || (limits.memoryBytes > 0 && limits.memoryBytes < kMinMemoryBytes))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("memory must be at least 16M; got %1 bytes").arg(limits.memoryBytes));
    if (limits.memoryBytes > physicalMemoryBytes())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("memory must be at most this machine's %1; got %2 bytes")
                        .arg(formatByteSize(physicalMemoryBytes()))
                        .arg(limits.memoryBytes));
    if (limits.pids < 0 || (limits.pids > 0 && limits.pids < kMinPids) || limits.pids > kMaxPids)
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("pids must be between %1 and %2; got %3").arg(kMinPids).arg(kMaxPids).arg(limits.pids));
    return {};
}

std::unique_ptr<ResourceControl> detectResourceControl()
{
    const CgroupLayout layout = currentCgroupLayout();
    QStringList why; // why each stronger mode is not in force
    if (qEnvironmentVariable("PADDOCK_RESOURCE_MODE") == QLatin1String("rootless"))
        return std::make_unique<RootlessControl>(QStringLiteral("chosen by PADDOCK_RESOURCE_MODE"));
    if (auto v2 = CgroupV2Control::open(layout, why))
        return v2;
    if (auto v1 = CgroupV1Control::open(layout, why))
        return v1;
    return std::make_unique<RootlessControl>(why.join(QStringLiteral("; ")));
}

} // namespace paddock::metering
