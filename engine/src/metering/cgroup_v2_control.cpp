#include "cgroup_v2_control.h"

#include "cgroup_files.h"
#include "rootless_control.h"

#include <QFile>
#include <QFileInfo>

#include <unistd.h>

#include <cmath>

namespace paddock::metering {

namespace {

constexpr qint64 kCpuPeriodUs = 100000;
constexpr int kSandboxWeight = 50; // the default is 100: the desktop wins under contention

QByteArray number(qint64 n) { return QByteArray::number(n); }

bool offers(const QString &dir, const char *file, const QByteArrayList &controllers)
{
    const QByteArrayList have = readCgroupFile(dir, file).trimmed().split(' ');
    for (const QByteArray &c : controllers)
        if (!have.contains(c))
            return false;
    return true;
}

// The no-internal-processes rule: a cgroup that hands controllers to its
// children holds no process itself. The root cgroup is exempt.
Result<void> moveProcessesToLeaf(const QString &own)
{
    const QString leaf = own + QStringLiteral("/engine");
    if (auto r = makeCgroup(leaf); !r)
        return r;
    for (const QByteArray &pid : readCgroupFile(own, "cgroup.procs").split('\n'))
        if (!pid.trimmed().isEmpty())
            if (auto r = writeCgroupFile(leaf, "cgroup.procs", pid.trimmed()); !r)
                return r;
    return {};
}

} // namespace

std::unique_ptr<CgroupV2Control> CgroupV2Control::open(const CgroupLayout &layout, QStringList &why)
{
    const QString own = CgroupLayout::directory(layout.v2, layout.v2Path);
    if (own.isEmpty()) {
        why << QStringLiteral("cgroup v2: not mounted");
        return nullptr;
    }
    const QByteArrayList needed { "cpu", "memory", "pids" };
    if (!offers(own, "cgroup.controllers", needed)) {
        why << QStringLiteral("cgroup v2: %1 does not offer the cpu, memory and pids controllers").arg(own);
        return nullptr;
    }
    if (::access(QFile::encodeName(own + QStringLiteral("/cgroup.subtree_control")).constData(), W_OK) != 0) {
        why << QStringLiteral("cgroup v2: %1 is not delegated to this user").arg(own);
        return nullptr;
    }
    const bool isRoot = layout.v2Path == QLatin1String("/");
    if (!isRoot && !offers(own, "cgroup.subtree_control", needed))
        if (auto r = moveProcessesToLeaf(own); !r) {
            why << QStringLiteral("cgroup v2: %1").arg(r.error().message);
            return nullptr;
        }
    if (auto r = writeCgroupFile(own, "cgroup.subtree_control", "+cpu +memory +pids"); !r) {
        why << QStringLiteral("cgroup v2: %1").arg(r.error().message);
        return nullptr;
    }
    sweepAbandonedCgroups(own);
    return std::unique_ptr<CgroupV2Control>(new CgroupV2Control(layout, own));
}

CgroupV2Control::CgroupV2Control(CgroupLayout layout, QString parent)
    : m_layout(std::move(layout)), m_parent(std::move(parent))
{
}

ResourceModeInfo CgroupV2Control::info() const
{
    ResourceModeInfo i;
    i.mode = ResourceMode::CgroupV2;
    i.detail = QStringLiteral("cgroup v2, sandboxes under %1").arg(m_parent);
    i.enforced = {
        QStringLiteral("CPU: a quota of the cores set (cpu.max), and half the desktop's weight under contention"),
        QStringLiteral("memory: the sandbox as a whole, swap off"),
        QStringLiteral("pids: processes and threads of the sandbox as a whole"),
    };
    i.notCovered << QStringLiteral("memory usage counts the page cache of files the sandbox touched");
    describeOomOrder(i);
    i.defaults = defaultLimits();
    i.hostCpus = hostCpuCount();
    return i;
}

Result<ResourcePlacement> CgroupV2Control::prepare(const QString &sandboxId, const ResourceLimits &limits)
{
    const QString dir = m_parent + QLatin1Char('/') + sandboxCgroupName(sandboxId);
    if (auto r = makeCgroup(dir); !r)
        return tl::unexpected(r.error());
    if (auto r = apply(sandboxId, 0, limits); !r) {
        release(sandboxId);
        return tl::unexpected(r.error());
    }
    return ResourcePlacement { { dir }, 0 };
}

QString CgroupV2Control::sandboxDir(const QString &sandboxId, qint64 initPid) const
{
    const QString suffix = QLatin1Char('/') + sandboxCgroupName(sandboxId);
    if (initPid <= 0) // not started yet: where prepare() puts it
        return m_parent + suffix;
    QFile f(QStringLiteral("/proc/%1/cgroup").arg(initPid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QString dir = CgroupLayout::directory(m_layout.v2, parseProcessCgroups(f.readAll()).value(QString()));
    return dir.endsWith(suffix) ? dir : QString();
}

Result<void> CgroupV2Control::apply(const QString &sandboxId, qint64 initPid, const ResourceLimits &limits)
{
    const QString dir = sandboxDir(sandboxId, initPid);
    if (dir.isEmpty())
        return fail(ErrorCode::Conflict,
                    QStringLiteral("the sandbox runs outside Paddock's cgroups (started before they existed): "
                                   "restart it for its limits to hold"));
    const QByteArray quota = limits.cpus > 0
        ? number(std::max<qint64>(1000, std::llround(limits.cpus * kCpuPeriodUs)))
        : QByteArray("max");
    if (auto r = writeCgroupFile(dir, "cpu.max", quota + ' ' + number(kCpuPeriodUs)); !r)
        return r;
    if (auto r = writeCgroupFile(dir, "cpu.weight", number(kSandboxWeight)); !r)
        return r;
    if (auto r = writeCgroupFile(dir, "memory.max", limits.memoryBytes > 0 ? number(limits.memoryBytes) : "max"); !r)
        return r;
    if (QFileInfo::exists(dir + QStringLiteral("/memory.swap.max")))
        if (auto r = writeCgroupFile(dir, "memory.swap.max", "0"); !r)
            return r;
    return writeCgroupFile(dir, "pids.max", limits.pids > 0 ? number(limits.pids) : "max");
}

ResourceUsage CgroupV2Control::read(const QString &sandboxId, qint64 initPid) const
{
    const QString dir = sandboxDir(sandboxId, initPid);
    if (dir.isEmpty() || initPid <= 0)
        return readFromProcessTree(initPid);
    ResourceUsage u;
    const auto usec = readCgroupKey(dir, "cpu.stat", "usage_usec");
    const auto current = readCgroupNumber(dir, "memory.current");
    if (!usec || !current) {
        u.problem = QStringLiteral("its cgroup could not be read");
        return u;
    }
    u.known = true;
    u.cpuNs = *usec * 1000;
    u.memoryBytes = *current;
    u.memoryPeakBytes = readCgroupNumber(dir, "memory.peak").value_or(0); // Linux ≥ 5.19
    u.tasks = readCgroupNumber(dir, "pids.current").value_or(0);
    return u;
}

bool CgroupV2Control::release(const QString &sandboxId)
{
    return removeCgroup(m_parent + QLatin1Char('/') + sandboxCgroupName(sandboxId));
}

} // namespace paddock::metering
