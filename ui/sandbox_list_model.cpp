#include "sandbox_list_model.h"

#include "paddock/display_text.h"

#include <QDateTime>

namespace paddock::ui {

QString formatUptime(qint64 seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60);
    if (seconds < 86400)
        return QStringLiteral("%1h %2m").arg(seconds / 3600).arg(seconds % 3600 / 60);
    return QStringLiteral("%1d %2h").arg(seconds / 86400).arg(seconds % 86400 / 3600);
}

SandboxListModel::SandboxListModel(QObject *parent) : QAbstractTableModel(parent)
{
    // Only the uptime column changes with time: refresh just that column.
    m_uptimeTick.setInterval(1000);
    connect(&m_uptimeTick, &QTimer::timeout, this, [this] {
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(index(0, Uptime), index(int(m_rows.size()) - 1, Uptime), { Qt::DisplayRole });
    });
    m_uptimeTick.start();
}

int SandboxListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }

int SandboxListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant SandboxListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const SandboxInfo &sb = m_rows[index.row()];
    switch (role) {
    case IdRole: return sb.id;
    case StatusRole: return int(statusOf(sb.id));
    case SortRole: return sortData(sb, index.column());
    case SearchRole:
        return QStringList { displayText(sb.name), sb.id, sandboxStatusText(statusOf(sb.id)) }.join(QLatin1Char('\n'));
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("%1 (%2)").arg(displayText(sb.name), sb.id);
        if (QString error = m_errors.value(sb.id); !error.isEmpty())
            tip += QLatin1Char('\n') + displayText(error);
        return tip;
    }
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole: return displayData(sb, index.column());
    }
    return {};
}

QVariant SandboxListModel::displayData(const SandboxInfo &sb, int column) const
{
    switch (column) {
    case Name: return displayText(sb.name);
    case State: return sandboxStatusText(statusOf(sb.id));
    case Uptime:
        if (sb.state != SandboxState::Running || !sb.startedAt.isValid())
            return QString();
        return formatUptime(sb.startedAt.secsTo(QDateTime::currentDateTimeUtc()));
    }
    return {};
}

QVariant SandboxListModel::sortData(const SandboxInfo &sb, int column) const
{
    switch (column) {
    case Name: return sb.name.toLower();
    case State: return int(statusOf(sb.id));
    case Uptime: // stopped sandboxes after every running one
        return sb.state == SandboxState::Running && sb.startedAt.isValid()
            ? sb.startedAt.secsTo(QDateTime::currentDateTimeUtc()) : qint64(-1);
    }
    return {};
}

QVariant SandboxListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case State: return tr("State");
    case Uptime: return tr("Uptime");
    }
    return {};
}

const SandboxInfo *SandboxListModel::sandboxAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row] : nullptr;
}

int SandboxListModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].id == id)
            return i;
    return -1;
}

SandboxStatus SandboxListModel::statusOf(const QString &id) const
{
    int row = rowOf(id);
    SandboxState state = row >= 0 ? m_rows[row].state : SandboxState::Stopped;
    return sandboxStatus(state, m_activity.value(id, SandboxActivity::None));
}

void SandboxListModel::setActivity(const QString &id, SandboxActivity activity, const QString &error)
{
    if (activity == SandboxActivity::None)
        m_activity.remove(id);
    else
        m_activity.insert(id, activity);
    if (activity == SandboxActivity::Failed)
        m_errors.insert(id, error);
    else
        m_errors.remove(id);
    if (int row = rowOf(id); row >= 0)
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void SandboxListModel::reset(const QList<SandboxInfo> &all)
{
    beginResetModel();
    m_rows = all;
    endResetModel();
}

void SandboxListModel::upsert(const SandboxInfo &sandbox)
{
    int row = rowOf(sandbox.id);
    // The engine's word replaces a failure shown from an earlier call.
    if (m_activity.value(sandbox.id) == SandboxActivity::Failed) {
        m_activity.remove(sandbox.id);
        m_errors.remove(sandbox.id);
    }
    if (row >= 0) {
        m_rows[row] = sandbox;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
    m_rows.append(sandbox);
    endInsertRows();
}

void SandboxListModel::remove(const QString &id)
{
    int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    m_activity.remove(id);
    m_errors.remove(id);
    endRemoveRows();
}

} // namespace paddock::ui
