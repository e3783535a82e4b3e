// Engine: how resource limits hold here, a sandbox's usage, and changing
// its limits while it runs (paddock/resources.h).
#include "engine_private.h"

#include <algorithm>

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
    const std::optional<ResourceUsage> sampled = d->sampler ? d->sampler->latest(sb->id) : std::nullopt;
    d->usage->read(sb->id, sb->initPid, [done, sampled](ResourceUsage u) {
        // The rootless mode has no peak of its own: the sampler's, kept each second.
        if (sampled)
            u.memoryPeakBytes = std::max(u.memoryPeakBytes, sampled->memoryPeakBytes);
        done(u);
    });
}

Result<UsageHistory> Engine::usageHistory(const QString &key, const QDateTime &since)
{
    auto sb = d->find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    const qint64 age = since.secsTo(QDateTime::currentDateTimeUtc());
    UsageHistory h;
    h.sandboxId = sb->id;
    h.since = since;
    h.resolution = age <= 3600 ? 1 : age <= 7 * 24 * 3600 ? 60 : 3600;
    auto points = d->usageStore.history(sb->id, since, h.resolution);
    if (!points)
        return tl::unexpected(points.error());
    constexpr double kGib = 1024.0 * 1024.0 * 1024.0;
    for (const store::UsagePoint &p : *points) {
        const UsageBucket b { p.start, p.seconds, double(p.cpuNs) / 1e9, p.memoryMaxBytes, p.memoryByteSeconds / kGib };
        h.cpuSeconds += b.cpuSeconds;
        h.memoryGibSeconds += b.memoryGibSeconds;
        h.buckets.append(b);
    }
    return h;
}

void EnginePrivate::startSampler()
{
    sampler = std::make_unique<metering::UsageSampler>(*resources, usageStore, [this] {
        QList<metering::ResourceControl::Running> running;
        for (auto it = runtimes.cbegin(); it != runtimes.cend(); ++it)
            if (it.value()->initPid() > 0)
                running.append({ it.key(), it.value()->initPid() });
        return running;
    });
    sampler->start();
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
