#include "cgroup_v1_control.h"

#include "cgroup_files.h"
#include "rootless_control.h"

#include <QFile>
#include <QFileInfo>

#include <cmath>

#include <unistd.h>

namespace paddock::metering {

namespace {

const char *const kControllers[] = { "cpu", "cpuacct", "memory", "pids" };

constexpr qint64 kCfsPeriodUs = 100000;
// The default share is 1024: under contention the desktop's processes
// get twice a sandbox's CPU.
constexpr int kSandboxShares = 512;

QString controllerKey(const char *c) { return QString::fromLatin1(c); }

QByteArray number(qint64 n) { return QByteArray::number(n); }

// memsw (memory + swap) must never be below the memory limit: raising
// both writes memsw first, lowering writes it last.
Result<void> writeMemory(const QString &dir, qint64 bytes)
{
    const QByteArray value = bytes > 0 ? number(bytes) : QByteArray("-1");
    if (!QFileInfo::exists(dir + QStringLiteral("/memory.memsw.limit_in_bytes")))
        return writeCgroupFile(dir, "memory.limit_in_bytes", value);
    if (writeCgroupFile(dir, "memory.limit_in_bytes", value))
        return writeCgroupFile(dir, "memory.memsw.limit_in_bytes", value);
    if (auto r = writeCgroupFile(dir, "memory.memsw.limit_in_bytes", value); !r)
        return r;
    return writeCgroupFile(dir, "memory.limit_in_bytes", value);
}

} // namespace

std::unique_ptr<CgroupV1Control> CgroupV1Control::open(const CgroupLayout &layout, QStringList &why)
{
    QHash<QString, QString> parents;
    for (const char *c : kControllers) {
        const QString key = controllerKey(c);
        const QString own = CgroupLayout::directory(layout.v1.value(key), layout.v1Paths.value(key));
        if (own.isEmpty()) {
            why << QStringLiteral("cgroup v1: no %1 hierarchy mounted").arg(key);
            return nullptr;
        }
        const QString parent = own + QStringLiteral("/paddock");
        if (auto r = makeCgroup(parent); !r) {
            why << QStringLiteral("cgroup v1: %1").arg(r.error().message);
            return nullptr;
        }
        // It may exist already, made by another user (root): ours to use
        // only if we may make sandboxes' cgroups in it.
        if (::access(QFile::encodeName(parent).constData(), W_OK) != 0) {
            why << QStringLiteral("cgroup v1: %1 is not writable by this user").arg(parent);
            return nullptr;
        }
        sweepAbandonedCgroups(parent);
        parents.insert(key, parent);
    }
    return std::unique_ptr<CgroupV1Control>(new CgroupV1Control(layout, std::move(parents)));
}

CgroupV1Control::CgroupV1Control(CgroupLayout layout, QHash<QString, QString> parents)
    : m_layout(std::move(layout)), m_parents(std::move(parents))
{
}

ResourceModeInfo CgroupV1Control::info() const
{
    ResourceModeInfo i;
    i.mode = ResourceMode::CgroupV1;
    i.detail = QStringLiteral("cgroup v1, sandboxes under %1").arg(m_parents.value(QStringLiteral("memory")));
    i.enforced = {
        QStringLiteral("CPU: a quota of the cores set (CFS bandwidth), and half the desktop's share under contention"),
        QStringLiteral("memory: the sandbox as a whole, swap included where the kernel accounts it"),
        QStringLiteral("pids: processes and threads of the sandbox as a whole"),
    };
    if (!QFileInfo::exists(m_parents.value(QStringLiteral("memory")) + QStringLiteral("/memory.memsw.limit_in_bytes")))
        i.notCovered << QStringLiteral("swap: this kernel does not account it per cgroup, so a sandbox may swap");
    i.notCovered << QStringLiteral("memory usage counts the page cache of files the sandbox touched");
    describeOomOrder(i);
    i.defaults = defaultLimits();
    i.hostCpus = hostCpuCount();
    return i;
}

Result<ResourcePlacement> CgroupV1Control::prepare(const QString &sandboxId, const ResourceLimits &limits)
{
    QHash<QString, QString> dirs;
    for (auto it = m_parents.cbegin(); it != m_parents.cend(); ++it) {
        const QString dir = it.value() + QLatin1Char('/') + sandboxCgroupName(sandboxId);
        if (auto r = makeCgroup(dir); !r) {
            release(sandboxId);
            return tl::unexpected(r.error());
        }
        dirs.insert(it.key(), dir);
    }
    if (auto r = applyTo(dirs, limits); !r) {
        release(sandboxId);
        return tl::unexpected(r.error());
    }
    QStringList join = dirs.values();
    join.removeDuplicates(); // controllers mounted together share a directory
    return ResourcePlacement { join, 0 };
}

Result<void> CgroupV1Control::applyTo(const QHash<QString, QString> &dirs, const ResourceLimits &limits) const
{
    const QString cpu = dirs.value(QStringLiteral("cpu"));
    const qint64 quota = limits.cpus > 0 ? std::max<qint64>(1000, std::llround(limits.cpus * kCfsPeriodUs)) : -1;
    if (auto r = writeCgroupFile(cpu, "cpu.cfs_period_us", number(kCfsPeriodUs)); !r)
        return r;
    if (auto r = writeCgroupFile(cpu, "cpu.cfs_quota_us", number(quota)); !r)
        return r;
    if (auto r = writeCgroupFile(cpu, "cpu.shares", number(kSandboxShares)); !r)
        return r;
    if (auto r = writeMemory(dirs.value(QStringLiteral("memory")), limits.memoryBytes); !r)
        return r;
    const QByteArray pids = limits.pids > 0 ? number(limits.pids) : QByteArray("max");
    return writeCgroupFile(dirs.value(QStringLiteral("pids")), "pids.max", pids);
}

QHash<QString, QString> CgroupV1Control::sandboxDirs(const QString &sandboxId, qint64 initPid) const
{
    QFile f(QStringLiteral("/proc/%1/cgroup").arg(initPid));
    if (initPid <= 0 || !f.open(QIODevice::ReadOnly))
        return {};
    const QHash<QString, QString> paths = parseProcessCgroups(f.readAll());
    const QString suffix = QLatin1Char('/') + sandboxCgroupName(sandboxId);
    QHash<QString, QString> dirs;
    for (const char *c : kControllers) {
        const QString key = controllerKey(c);
        const QString dir = CgroupLayout::directory(m_layout.v1.value(key), paths.value(key));
        if (!dir.endsWith(suffix))
            return {};
        dirs.insert(key, dir);
    }
    return dirs;
}

Result<void> CgroupV1Control::apply(const QString &sandboxId, qint64 initPid, const ResourceLimits &limits)
{
    const QHash<QString, QString> dirs = sandboxDirs(sandboxId, initPid);
    if (dirs.isEmpty())
        return fail(ErrorCode::Conflict,
                    QStringLiteral("the sandbox runs outside Paddock's cgroups (started before they existed): "
                                   "restart it for its limits to hold"));
    return applyTo(dirs, limits);
}

ResourceUsage CgroupV1Control::read(const QString &sandboxId, qint64 initPid) const
{
    const QHash<QString, QString> dirs = sandboxDirs(sandboxId, initPid);
    if (dirs.isEmpty())
        return readFromProcessTree(initPid);
    ResourceUsage u;
    const auto cpu = readCgroupNumber(dirs.value(QStringLiteral("cpuacct")), "cpuacct.usage");
    const QString memory = dirs.value(QStringLiteral("memory"));
    const auto current = readCgroupNumber(memory, "memory.usage_in_bytes");
    if (!cpu || !current) {
        u.problem = QStringLiteral("its cgroup could not be read");
        return u;
    }
    u.known = true;
    u.cpuNs = *cpu;
    u.memoryBytes = *current;
    u.memoryPeakBytes = readCgroupNumber(memory, "memory.max_usage_in_bytes").value_or(0);
    u.tasks = readCgroupNumber(dirs.value(QStringLiteral("pids")), "pids.current").value_or(0);
    return u;
}

bool CgroupV1Control::release(const QString &sandboxId)
{
    bool gone = true;
    for (const QString &parent : std::as_const(m_parents))
        gone = removeCgroup(parent + QLatin1Char('/') + sandboxCgroupName(sandboxId)) && gone;
    return gone;
}

} // namespace paddock::metering
