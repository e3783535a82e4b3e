#include "rootless_control.h"

#include "process_tree.h"

namespace paddock::metering {

ResourceUsage readFromProcessTree(qint64 initPid)
{
    return usageFromTable(initPid > 0 ? readProcessTable() : QList<ProcStat>(), initPid);
}

ResourceUsage usageFromTable(const QList<ProcStat> &table, qint64 initPid)
{
    ResourceUsage u;
    if (initPid <= 0) {
        u.problem = QStringLiteral("not running");
        return u;
    }
    const TreeUsage tree = sumProcessTree(table, initPid);
    if (!tree.found) {
        u.problem = QStringLiteral("its PID 1 (%1) is gone").arg(initPid);
        return u;
    }
    u.known = true;
    u.cpuNs = tree.cpuNs;
    u.memoryBytes = tree.rssBytes;
    u.tasks = tree.processes;
    return u;
}

RootlessControl::RootlessControl(QString why) : m_why(std::move(why)) { }

ResourceModeInfo RootlessControl::info() const
{
    ResourceModeInfo i;
    i.mode = ResourceMode::Rootless;
    i.detail = QStringLiteral("no writable cgroup: %1").arg(m_why);
    i.enforced = {
        QStringLiteral("memory: each process's data (heap and private writable mappings) at most the limit (RLIMIT_DATA); "
                       "/tmp, /run and /dev/shm each at most the limit"),
        QStringLiteral("processes: at most an eighth of your user's process limit (RLIMIT_NPROC per sandbox user namespace)"),
    };
    i.notCovered = {
        QStringLiteral("CPU limit: not enforced; the CPU a sandbox burns is only measured"),
        QStringLiteral("memory: the limit holds per process, not for the sandbox as a whole, and a change to it applies from the next start"),
        QStringLiteral("memory: shared mappings are not bounded, and /tmp, /run and /dev/shm may each hold up to the limit, "
                       "none of it shown in the sandbox's memory usage"),
        QStringLiteral("pids limit: the per-sandbox share above holds instead of the number set"),
        QStringLiteral("CPU time: a process whose parent ignores SIGCHLD stops being counted when it ends "
                       "(the sandbox's total drops by its share)"),
        QStringLiteral("memory usage: the sum of resident sizes (pages shared between processes counted in each)"),
    };
    describeOomOrder(i);
    i.defaults = defaultLimits();
    i.hostCpus = hostCpuCount();
    return i;
}

Result<ResourcePlacement> RootlessControl::prepare(const QString &, const ResourceLimits &limits)
{
    return ResourcePlacement { {}, limits.memoryBytes };
}

Result<void> RootlessControl::apply(const QString &, qint64, const ResourceLimits &) { return {}; }

ResourceUsage RootlessControl::read(const QString &, qint64 initPid) const { return readFromProcessTree(initPid); }

QList<ResourceUsage> RootlessControl::readAll(const QList<Running> &sandboxes) const
{
    const QList<ProcStat> table = readProcessTable();
    QList<ResourceUsage> out;
    for (const Running &r : sandboxes)
        out.append(usageFromTable(table, r.initPid));
    return out;
}

bool RootlessControl::release(const QString &) { return true; }

} // namespace paddock::metering
