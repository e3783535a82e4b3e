// cgroup v2: a delegated subtree (on desktops, the scope systemd gives a
// process started with Delegate=yes). The engine moves itself into a leaf
// "engine" of its cgroup, so the cgroup may hand the cpu, memory and pids
// controllers to its children (the "no internal processes" rule), and
// makes each sandbox a sibling of that leaf.
#pragma once

#include "cgroup_layout.h"
#include "resource_control.h"

namespace paddock::metering {

class CgroupV2Control : public ResourceControl {
public:
    // nullptr (and the reason appended to `why`) unless the engine's own
    // cgroup is writable and offers the controllers Paddock needs.
    static std::unique_ptr<CgroupV2Control> open(const CgroupLayout &layout, QStringList &why);

    ResourceModeInfo info() const override;
    Result<ResourcePlacement> prepare(const QString &sandboxId, const ResourceLimits &limits) override;
    Result<void> apply(const QString &sandboxId, qint64 initPid, const ResourceLimits &limits) override;
    ResourceUsage read(const QString &sandboxId, qint64 initPid) const override;
    bool release(const QString &sandboxId) override;

private:
    CgroupV2Control(CgroupLayout layout, QString parent);
    QString sandboxDir(const QString &sandboxId, qint64 initPid) const;

    CgroupLayout m_layout;
    QString m_parent; // the delegated cgroup the sandboxes live in
};

} // namespace paddock::metering
