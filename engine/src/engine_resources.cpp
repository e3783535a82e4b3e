// Engine: how resource limits hold here, a sandbox's usage, and changing
// its limits while it runs (paddock/resources.h).
#include "engine_private.h"

namespace paddock {

ResourceModeInfo Engine::resourceMode() const { return d->resources->info(); }

void Engine::sandboxUsage(const QString &key, Callback<ResourceUsage> done)
{
    auto sb = d->find(key);
    if (!sb)
        return done(tl::unexpected(sb.error()));
    if (sb->state != SandboxState::Running) {
        ResourceUsage stopped;
        stopped.problem = QStringLiteral("not running");
        return done(stopped);
    }
    d->usage->read(sb->id, sb->initPid, [done](const ResourceUsage &u) { done(u); });
}

Result<SandboxInfo> Engine::updateSandboxLimits(const QString &key, const ResourceLimitsChange &change)
{
    auto sb = d->find(key);
    if (!sb)
        return sb;
    ResourceLimits limits = sb->limits;
    limits.cpus = change.cpus.value_or(limits.cpus);
    limits.memoryBytes = change.memoryBytes.value_or(limits.memoryBytes);
    limits.pids = change.pids.value_or(limits.pids);
    if (auto valid = metering::validateLimits(limits); !valid)
        return tl::unexpected(valid.error());
    limits = metering::withDefaults(limits);
    // Live first: a limit the kernel refuses is not recorded as in force.
    if (sb->state == SandboxState::Running)
        if (auto r = d->resources->apply(sb->id, sb->initPid, limits); !r)
            return tl::unexpected(r.error().withContext(QStringLiteral("cannot change the limits of sandbox '%1'").arg(sb->name)));
    if (auto r = d->sandboxes.setLimits(sb->id, limits); !r)
        return tl::unexpected(r.error());
    d->emitSandboxChanged(sb->id);
    return d->find(sb->id);
}

} // namespace paddock
