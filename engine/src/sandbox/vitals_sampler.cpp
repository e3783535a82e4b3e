#include "vitals_sampler.h"

#include "disk_usage.h"
#include "listening_ports.h"

#include <QElapsedTimer>
#include <QPointer>

#include <algorithm>

#include <sys/resource.h>
#include <unistd.h>

namespace paddock::sandbox {

namespace {

constexpr qint64 kMinWalkIntervalMs = 2000;
constexpr qint64 kWalkCostFactor = 10;
constexpr int kWorkerNice = 19;

} // namespace

VitalsSampler::VitalsSampler(QObject *parent) : QObject(parent)
{
    m_pool.setMaxThreadCount(2); // a long walk leaves one worker for the port tables
}

VitalsSampler::~VitalsSampler()
{
    m_cancelled->store(true);
    m_pool.waitForDone();
}

bool VitalsSampler::walkDue(const DiskState &s) const
{
    if (s.walking)
        return false;
    if (!s.last.known || !s.age.isValid())
        return true;
    return s.age.elapsed() >= std::max(kMinWalkIntervalMs, kWalkCostFactor * s.tookMs);
}

void VitalsSampler::sample(const QString &sandboxId, qint64 initPid, const QString &upperDir, Done done)
{
    DiskState &state = m_disk[sandboxId];
    const bool walk = walkDue(state) && !upperDir.isEmpty();
    state.walking = state.walking || walk;
    const DiskUsage cached = state.last;
    QPointer<VitalsSampler> self(this);
    std::shared_ptr<std::atomic_bool> cancelled = m_cancelled;
    m_pool.start([self, sandboxId, initPid, upperDir, walk, cached, cancelled, done = std::move(done)] {
        // Background work: below the UI and the engine when cores are short.
        // Linux keeps a nice value per thread; a pool thread stays this nice.
        (void)::setpriority(PRIO_PROCESS, pid_t(::gettid()), kWorkerNice);
        const ListeningPorts ports = initPid > 0 ? readListeningPorts(initPid) : ListeningPorts {};
        QElapsedTimer took;
        took.start();
        const DiskUsage disk = walk ? measureDiskUsage(upperDir, DiskWalkLimits {}, cancelled.get()) : cached;
        const qint64 tookMs = took.elapsed();
        // Back on the sampler's thread; dropped if it is gone by then.
        QMetaObject::invokeMethod(
            self.data(),
            [self, sandboxId, walk, ports, disk, tookMs, done] {
                if (!self)
                    return;
                if (walk) {
                    DiskState &s = self->m_disk[sandboxId];
                    s.walking = false;
                    s.last = disk;
                    s.tookMs = tookMs;
                    s.age.start();
                }
                done(ports, disk);
            },
            Qt::QueuedConnection);
    });
}

void VitalsSampler::forget(const QString &sandboxId)
{
    // A walk under way still reports; it lands in a fresh entry that the
    // next sample replaces.
    m_disk.remove(sandboxId);
}

} // namespace paddock::sandbox
