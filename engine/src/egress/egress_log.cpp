#include "egress_log.h"

#include "destination.h"
#include "egress_limits.h"

#include <QDebug>

#include <algorithm>

namespace paddock::egress {

namespace {

constexpr int kFlushAfterMs = 100;
// A write of more rows than this holds the engine thread for tens of
// milliseconds (a stream flood can log thousands in a tick): the rest wait
// for the next turn of the event loop, oldest first.
constexpr qsizetype kMaxRowsPerWrite = 512;
constexpr int kFlushAgainMs = 1;

} // namespace

EgressLogEntry decisionEntry(const QString &sandboxId, const Destination &dest, const QString &protocol,
                             EgressVerdict verdict, const std::optional<EgressRule> &rule, const QString &reason,
                             const QString &process)
{
    EgressLogEntry e;
    e.sandboxId = sandboxId;
    e.host = dest.host;
    e.address = dest.address.toString();
    e.port = dest.port;
    e.protocol = protocol;
    e.verdict = verdict;
    if (rule) {
        e.ruleId = rule->id;
        e.rule = describeEgressRule(*rule);
    }
    e.reason = reason;
    e.process = process;
    return e;
}

EgressLog::Retention EgressLog::defaultRetention()
{
    return { limits::kLogEntriesPerSandbox, limits::kLogEntriesOverall, 1000 };
}

EgressLog::EgressLog(store::EgressLogStore &store, QObject *parent) : EgressLog(store, defaultRetention(), parent) { }

EgressLog::EgressLog(store::EgressLogStore &store, Retention retention, QObject *parent)
    : QObject(parent), m_store(store), m_retention(retention)
{
    // An engine that stopped mid-connection left entries marked open.
    (void)m_store.closeOpenEntries();
    if (auto max = m_store.maxId())
        m_nextId = *max + 1;
    m_firstUnsavedId = m_nextId;
    m_rows = m_store.count().value_or(0);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushAfterMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &EgressLog::flushSome);
}

EgressLog::~EgressLog()
{
    for (EgressLogEntry &e : m_pending)
        e.open = false;
    flush();
}

EgressLogEntry EgressLog::record(EgressLogEntry e)
{
    e.id = m_nextId++;
    e.time = QDateTime::currentDateTimeUtc();
    schedule(e);
    return e;
}

void EgressLog::update(const EgressLogEntry &e) { schedule(e); }

void EgressLog::schedule(const EgressLogEntry &e)
{
    m_pending.insert(e.id, e);
    if (!m_flushTimer.isActive())
        m_flushTimer.start(kFlushAfterMs);
    Q_EMIT logged(e);
}

void EgressLog::flush()
{
    while (writeBatch()) { }
}

void EgressLog::flushSome()
{
    if (writeBatch() && !m_pending.isEmpty())
        m_flushTimer.start(kFlushAgainMs);
}

// The oldest kMaxRowsPerWrite pending entries (all of them when fewer).
QList<EgressLogEntry> EgressLog::nextBatch() const
{
    if (m_pending.size() <= kMaxRowsPerWrite)
        return m_pending.values();
    QList<qint64> ids = m_pending.keys();
    std::nth_element(ids.begin(), ids.begin() + kMaxRowsPerWrite, ids.end());
    QList<EgressLogEntry> batch;
    batch.reserve(kMaxRowsPerWrite);
    for (qsizetype i = 0; i < kMaxRowsPerWrite; ++i)
        batch.append(m_pending.value(ids[i]));
    return batch;
}

bool EgressLog::writeBatch()
{
    if (m_pending.isEmpty())
        return false;
    const QList<EgressLogEntry> batch = nextBatch();
    if (auto r = m_store.save(batch); !r) {
        // A full disk must not stop traffic decisions: keep the entries and
        // try later, but only so many (the oldest go; subscribers saw them).
        qWarning("egress log: %s", qPrintable(r.error().message));
        dropOldestPending();
        m_flushTimer.start(1000);
        return false;
    }
    qint64 newest = 0;
    for (const EgressLogEntry &e : batch) {
        m_pending.remove(e.id);
        m_rows += e.id >= m_firstUnsavedId ? 1 : 0;
        m_wroteSincePrune.insert(e.sandboxId);
        newest = std::max(newest, e.id);
    }
    // Batches go oldest first, so every ID below the newest written has been.
    m_firstUnsavedId = m_pending.isEmpty() ? m_nextId : std::max(m_firstUnsavedId, newest + 1);
    m_writesSincePrune += batch.size();
    if (m_writesSincePrune >= m_retention.pruneEvery)
        prune();
    return true;
}

// Only the sandboxes that wrote: a quiet sandbox's log is never touched.
// The overall ceiling is checked on a count kept here, and the table
// counted (a full scan) only when that count says it may be over.
void EgressLog::prune()
{
    m_writesSincePrune = 0;
    const QStringList wrote(m_wroteSincePrune.begin(), m_wroteSincePrune.end());
    m_wroteSincePrune.clear();
    if (auto deleted = m_store.pruneSandboxes(wrote, m_retention.perSandbox))
        m_rows -= *deleted;
    if (m_rows <= m_retention.overall)
        return;
    (void)m_store.pruneOverall(m_retention.overall);
    m_rows = m_store.count().value_or(m_rows);
}

void EgressLog::dropOldestPending()
{
    if (m_pending.size() <= kMaxUnwritten)
        return;
    QList<qint64> ids = m_pending.keys();
    std::sort(ids.begin(), ids.end());
    for (qsizetype i = 0; i < ids.size() - kMaxUnwritten; ++i)
        m_pending.remove(ids[i]);
}

Result<QList<EgressLogEntry>> EgressLog::query(const QString &sandboxId, const EgressLogQuery &q)
{
    flush();
    return m_store.query(sandboxId, q);
}

Result<void> EgressLog::removeSandbox(const QString &sandboxId)
{
    flush();
    return m_store.removeSandbox(sandboxId);
}

} // namespace paddock::egress
