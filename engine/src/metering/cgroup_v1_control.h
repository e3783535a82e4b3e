// cgroup v1: one directory per sandbox in each of the cpu, cpuacct, memory
// and pids hierarchies, under "paddock" in the engine's own cgroup there.
// CPU quota (CFS bandwidth) and a lower share than the desktop's, memory
// with swap off where the kernel accounts swap, and a pids limit.
#pragma once

#include "cgroup_layout.h"
#include "resource_control.h"

namespace paddock::metering {

class CgroupV1Control : public ResourceControl {
public:
    // nullptr (and the reason appended to `why`) unless every hierarchy
    // Paddock needs is mounted and writable here.
    static std::unique_ptr<CgroupV1Control> open(const CgroupLayout &layout, QStringList &why);

    ResourceModeInfo info() const override;
    Result<ResourcePlacement> prepare(const QString &sandboxId, const ResourceLimits &limits) override;
    Result<void> apply(const QString &sandboxId, qint64 initPid, const ResourceLimits &limits) override;
    ResourceUsage read(const QString &sandboxId, qint64 initPid) const override;
    bool release(const QString &sandboxId) override;

private:
    CgroupV1Control(CgroupLayout layout, QHash<QString, QString> parents);
    // By controller: the sandbox's directories, found from its PID 1 (so a
    // sandbox started under another engine's cgroup is still found); empty
    // when PID 1 is not in a cgroup of Paddock's.
    QHash<QString, QString> sandboxDirs(const QString &sandboxId, qint64 initPid) const;
    Result<void> applyTo(const QHash<QString, QString> &dirs, const ResourceLimits &limits) const;

    CgroupLayout m_layout;
    QHash<QString, QString> m_parents; // by controller: Paddock's directory
};

} // namespace paddock::metering
