// Engine: a sandbox at a glance (paddock/sandbox_vitals.h). What the store
// answers (processes, egress counts) is read here, on the engine thread;
// what takes file I/O (socket tables, the walk of the upper directory) is
// gathered by the sampler's workers.
#include "engine_private.h"

namespace paddock {

namespace {

constexpr qint64 kEgressWindowSecs = 3600;

} // namespace

void Engine::sandboxVitals(const QString &key, Callback<SandboxVitals> done)
{
    auto sb = d->find(key);
    if (!sb)
        return done(tl::unexpected(sb.error()));
    SandboxVitals v;
    v.sandbox = *sb;
    const bool running = sb->state == SandboxState::Running;
    if (running) {
        auto count = d->procs.countRunning(sb->id);
        if (!count)
            return done(tl::unexpected(count.error()));
        v.runningProcesses = int(*count);
    }
    // The last hour, or since the sandbox started when that is more recent.
    QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-kEgressWindowSecs);
    if (running && sb->startedAt.isValid() && sb->startedAt > since)
        since = sb->startedAt;
    auto counts = d->egress->decisionLog().countSince(sb->id, since);
    if (!counts)
        return done(tl::unexpected(counts.error()));
    v.egress = *counts;
    for (const EgressQuestion &q : d->egress->questions())
        v.egress.waiting += q.sandboxId == sb->id ? 1 : 0;
    const auto open = d->egress->openConnections(sb->id);
    v.egress.open = open.connections;
    v.egress.heldBytes = open.heldBytes;
    d->vitals->sample(sb->id, running ? sb->initPid : 0, sb->dataDir + QStringLiteral("/upper"),
                      [v, done](const ListeningPorts &ports, const DiskUsage &disk) mutable {
                          v.listening = ports;
                          v.disk = disk;
                          done(v);
                      });
}

} // namespace paddock
