#include "usage_sampler.h"

#include <QDateTime>
#include <QPointer>

#include <sys/resource.h>
#include <unistd.h>

namespace paddock::metering {

namespace {

constexpr qint64 kPruneEverySecs = 60;
constexpr int kWorkerNice = 10; // metering yields to the sandboxes it measures

} // namespace

UsageSampler::UsageSampler(const ResourceControl &control, store::UsageStore &store, RunningList running,
                           QObject *parent)
    : QObject(parent), m_control(control), m_store(store), m_running(std::move(running))
{
    m_pool.setMaxThreadCount(1);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &UsageSampler::tick);
}

UsageSampler::~UsageSampler() { m_pool.waitForDone(); }

void UsageSampler::start(int intervalMs) { m_timer.start(intervalMs); }

void UsageSampler::tick()
{
    if (m_reading)
        return;
    const QList<ResourceControl::Running> which = m_running();
    if (which.isEmpty())
        return;
    m_reading = true;
    const qint64 second = QDateTime::currentSecsSinceEpoch();
    QPointer<UsageSampler> self(this);
    const ResourceControl *control = &m_control;
    m_pool.start([self, control, which, second] {
        (void)::setpriority(PRIO_PROCESS, pid_t(::gettid()), kWorkerNice);
        const QList<ResourceUsage> readings = control->readAll(which);
        QMetaObject::invokeMethod(
            self.data(),
            [self, which, readings, second] {
                if (self)
                    self->file(second, which, readings);
            },
            Qt::QueuedConnection);
    });
}

void UsageSampler::file(qint64 second, const QList<ResourceControl::Running> &which, const QList<ResourceUsage> &readings)
{
    m_reading = false;
    QList<store::UsageSample> samples;
    for (qsizetype i = 0; i < which.size() && i < readings.size(); ++i) {
        const ResourceUsage &u = readings[i];
        if (!u.known)
            continue;
        const bool first = !m_baselines.contains(which[i].sandboxId);
        Baseline &b = m_baselines[which[i].sandboxId];
        const qint64 burned = first || u.cpuNs < b.cpuNs ? 0 : u.cpuNs - b.cpuNs;
        b.cpuNs = u.cpuNs;
        b.peak = std::max({ b.peak, u.memoryBytes, u.memoryPeakBytes });
        b.latest = u;
        b.latest.memoryPeakBytes = b.peak;
        if (!first)
            samples.append({ which[i].sandboxId, second, burned, u.memoryBytes });
    }
    if (auto r = m_store.record(samples); !r)
        qWarning("paddock: usage not recorded: %s", qPrintable(r.error().message));
    if (second - m_lastPrune >= kPruneEverySecs) {
        m_lastPrune = second;
        (void)m_store.prune(second);
    }
    Q_EMIT sampled();
}

std::optional<ResourceUsage> UsageSampler::latest(const QString &sandboxId) const
{
    const auto it = m_baselines.constFind(sandboxId);
    return it == m_baselines.cend() ? std::nullopt : std::optional<ResourceUsage>(it->latest);
}

void UsageSampler::forget(const QString &sandboxId) { m_baselines.remove(sandboxId); }

} // namespace paddock::metering
