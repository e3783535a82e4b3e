#include "process_list_model.h"

#include "paddock/display_text.h"

namespace paddock::ui {

int ProcessListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

int ProcessListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

namespace {

// "p12" → 12: process IDs sort by number, not as text.
qlonglong idNumber(const QString &id) { return id.mid(1).toLongLong(); }

QVariant sortKey(const ProcessInfo &p, int column)
{
    switch (column) {
    case ProcessListModel::Id: return idNumber(p.id);
    case ProcessListModel::Pid: return p.pid;
    case ProcessListModel::Started: return p.startedAt.toMSecsSinceEpoch();
    case ProcessListModel::Exit: return p.exit ? p.exit->shellStatus() : -1;
    }
    return {};
}

} // namespace

QVariant ProcessListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const ProcessInfo &p = m_rows[index.row()];
    if (role == SortRole) {
        const QVariant key = sortKey(p, index.column());
        return key.isValid() ? key : data(index, Qt::DisplayRole);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Pid || index.column() == Exit))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Id: return p.id;
    case Name: return displayText(p.name);
    case State: return processStateName(p.state);
    case Pid: return p.pid > 0 ? QString::number(p.pid) : QString();
    case Started: return p.startedAt.isValid() ? p.startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
    case Exit:
        if (!p.exit)
            return QString();
        return p.exit->signal > 0 ? tr("signal %1").arg(p.exit->signal) : QString::number(p.exit->exitCode);
    case Command: return displayText(p.argv.join(QLatin1Char(' ')));
    }
    return {};
}

QVariant ProcessListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const kTitles[] = { "ID", "Name", "State", "PID", "Started", "Exit", "Command" };
    return section < ColumnCount ? tr(kTitles[section]) : QVariant();
}

const ProcessInfo *ProcessListModel::processAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

void ProcessListModel::showSandbox(const QString &sandboxId, const QList<ProcessInfo> &all)
{
    beginResetModel(); // a different sandbox: a different list, not an update
    m_sandboxId = sandboxId;
    m_rows = all;
    endResetModel();
}

void ProcessListModel::upsert(const ProcessInfo &process)
{
    if (process.sandboxId != m_sandboxId)
        return;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows[row].id == process.id) {
            m_rows[row] = process;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            return;
        }
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(process);
    endInsertRows();
}

} // namespace paddock::ui
