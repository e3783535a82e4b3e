#include "usage_store.h"

namespace paddock::store {

namespace {

constexpr qint64 kKeepSecondsFor = 3600;
constexpr qint64 kKeepMinutesFor = 7 * 24 * 3600;

UsagePoint readPoint(const Statement &s, int resolution)
{
    UsagePoint p;
    p.start = QDateTime::fromSecsSinceEpoch(s.integer(0), Qt::UTC);
    p.seconds = resolution;
    p.cpuNs = s.integer(1);
    p.memoryMaxBytes = s.integer(2);
    p.memoryByteSeconds = s.real(3);
    p.samples = int(s.integer(4));
    return p;
}

} // namespace

Result<void> UsageStore::record(const QList<UsageSample> &samples)
{
    return m_db.transaction([&]() -> Result<void> {
        for (const UsageSample &u : samples)
            for (int resolution : kUsageResolutions) {
                const qint64 bucket = u.second - u.second % resolution;
                auto r = m_db.run("INSERT INTO usage_samples (sandbox_id, resolution, bucket, cpu_ns, memory_max, "
                                  "memory_byte_seconds, samples) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) "
                                  "ON CONFLICT (sandbox_id, resolution, bucket) DO UPDATE SET "
                                  "cpu_ns = cpu_ns + ?4, memory_max = MAX(memory_max, ?5), "
                                  "memory_byte_seconds = memory_byte_seconds + ?6, samples = samples + 1",
                                  u.sandboxId, qint64(resolution), bucket, u.cpuNs, u.memoryBytes,
                                  double(u.memoryBytes));
                if (!r)
                    return r;
            }
        return {};
    });
}

Result<QList<UsagePoint>> UsageStore::history(const QString &sandboxId, const QDateTime &since, int resolution)
{
    auto stmt = m_db.prepare("SELECT bucket, cpu_ns, memory_max, memory_byte_seconds, samples FROM usage_samples "
                             "WHERE sandbox_id = ? AND resolution = ? AND bucket >= ? ORDER BY bucket",
                             sandboxId, qint64(resolution), since.toSecsSinceEpoch() - since.toSecsSinceEpoch() % resolution);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->rows<UsagePoint>([resolution](const Statement &s) { return readPoint(s, resolution); });
}

Result<void> UsageStore::prune(qint64 nowSecond)
{
    return m_db.run("DELETE FROM usage_samples WHERE (resolution = 1 AND bucket < ?1) OR (resolution = 60 AND bucket < ?2)",
                    nowSecond - kKeepSecondsFor, nowSecond - kKeepMinutesFor);
}

Result<void> UsageStore::forget(const QString &sandboxId)
{
    return m_db.run("DELETE FROM usage_samples WHERE sandbox_id = ?", sandboxId);
}

} // namespace paddock::store
