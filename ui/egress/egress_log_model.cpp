#include "egress_log_model.h"

#include "paddock/display_text.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace paddock::ui {

namespace {

constexpr int kIdleMs = 16;
constexpr int kMaxDelayMs = 100;

QString destination(const EgressLogEntry &e)
{
    const QString where = !e.host.isEmpty() ? e.host : e.address.contains(u':') ? u'[' + e.address + u']' : e.address;
    return e.port ? where + u':' + QString::number(e.port) : where;
}

QString traffic(const EgressLogEntry &e)
{
    if (e.verdict != EgressVerdict::Allowed || e.upstream.isEmpty())
        return {};
    const QLocale locale;
    const QString bytes = QStringLiteral("↑%1 ↓%2").arg(locale.formattedDataSize(e.bytesOut), locale.formattedDataSize(e.bytesIn));
    return e.open ? bytes + QObject::tr(" (open)") : bytes + QStringLiteral(", %1 ms").arg(e.durationMs);
}

// Failed reads apart from allowed at a glance: amber, between green and red.
QColor verdictColour(const EgressLogEntry &e)
{
    if (e.verdict == EgressVerdict::Allowed)
        return e.failure.isEmpty() ? QColor(0x20, 0x80, 0x40) : QColor(0xb8, 0x60, 0x00);
    return e.verdict == EgressVerdict::Denied ? QColor(0xc0, 0x30, 0x30) : QColor(0x90, 0x70, 0x10);
}

} // namespace

QString EgressLogModel::verdictText(const EgressLogEntry &e)
{
    return e.verdict == EgressVerdict::Allowed && !e.failure.isEmpty() ? tr("allowed · failed") : egressVerdictName(e.verdict);
}

EgressLogModel::EgressLogModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_idle.setSingleShot(true);
    m_idle.setInterval(kIdleMs);
    connect(&m_idle, &QTimer::timeout, this, &EgressLogModel::flush);
}

int EgressLogModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

int EgressLogModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EgressLogModel::data(const QModelIndex &index, int role) const
{
    const EgressLogEntry *e = entryAt(index.row());
    if (!e)
        return {};
    if (role == Qt::ForegroundRole && index.column() == Verdict)
        return QBrush(verdictColour(*e));
    if (role == Qt::ToolTipRole)
        return displayText(!e->failure.isEmpty() ? tr("allowed, but failed: %1").arg(e->failure)
                           : e->upstream.isEmpty() ? e->reason
                                                   : tr("spliced to %1").arg(e->upstream));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Time: return e->time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    case Verdict: return verdictText(*e);
    // Request paths, reasons and process names come from the sandbox.
    case Destination: return displayText(e->request.isEmpty() ? destination(*e) : destination(*e) + u' ' + e->request);
    case Protocol: return e->protocol;
    case Rule: return e->rule.isEmpty() ? tr("(default)") : displayText(e->rule);
    case Reason: return displayText(e->failure.isEmpty() ? e->reason : e->reason.isEmpty() ? e->failure : e->reason + QStringLiteral("; ") + e->failure);
    case Traffic: return traffic(*e);
    case Process: return displayText(e->process);
    }
    return {};
}

QVariant EgressLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = { "Time", "Verdict", "Destination", "Protocol", "Rule", "Reason", "Traffic", "Process" };
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void EgressLogModel::showSandbox(const QString &sandboxId, const QList<EgressLogEntry> &newestFirst)
{
    beginResetModel(); // a different sandbox: a different log
    m_sandboxId = sandboxId;
    m_rows = newestFirst.mid(0, kMaxRows);
    m_pending.clear();
    m_pendingAt.clear();
    m_seqOf.clear();
    m_nextSeq = 0;
    for (auto it = m_rows.crbegin(); it != m_rows.crend(); ++it)
        m_seqOf.insert(it->id, m_nextSeq++);
    endResetModel();
}

const EgressLogEntry *EgressLogModel::entryAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

void EgressLogModel::add(const EgressLogEntry &entry)
{
    if (entry.sandboxId != m_sandboxId || m_sandboxId.isEmpty())
        return;
    // An update of a shown row changes it in place, however far down the
    // row has moved (a long download ends after thousands of newer
    // entries); of a pending one, replaces it.
    if (auto seq = m_seqOf.constFind(entry.id); seq != m_seqOf.cend()) {
        const int row = int(m_nextSeq - 1 - *seq); // rows are numbered from the newest
        m_rows[row] = entry;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    if (auto at = m_pendingAt.constFind(entry.id); at != m_pendingAt.cend()) {
        m_pending[*at] = entry;
        return;
    }
    // An update of an entry no longer shown (older than every row) stays out.
    if (!m_rows.isEmpty() && entry.id < m_rows.first().id)
        return;
    if (m_pending.isEmpty())
        m_firstPending.start();
    m_pendingAt.insert(entry.id, m_pending.size());
    m_pending.append(entry);
    if (m_firstPending.elapsed() >= kMaxDelayMs)
        flush();
    else
        m_idle.start();
}

void EgressLogModel::flush()
{
    m_idle.stop();
    if (m_pending.isEmpty())
        return;
    QList<EgressLogEntry> batch;
    for (auto it = m_pending.crbegin(); it != m_pending.crend(); ++it)
        batch.append(*it); // newest first, as the rows are
    for (const EgressLogEntry &e : std::as_const(m_pending))
        m_seqOf.insert(e.id, m_nextSeq++); // oldest first: the newest gets the highest
    m_pending.clear();
    m_pendingAt.clear();
    beginInsertRows({}, 0, int(batch.size()) - 1);
    m_rows = batch + m_rows;
    endInsertRows();
    if (m_rows.size() > kMaxRows) {
        beginRemoveRows({}, kMaxRows, int(m_rows.size()) - 1);
        for (qsizetype i = kMaxRows; i < m_rows.size(); ++i)
            m_seqOf.remove(m_rows[i].id);
        m_rows.resize(kMaxRows);
        endRemoveRows();
    }
}

} // namespace paddock::ui
