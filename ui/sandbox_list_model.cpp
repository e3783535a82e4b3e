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
    if (role == IdRole)
        return sb.id;
    if (role == Qt::ToolTipRole)
        return QStringLiteral("%1 (%2)").arg(displayText(sb.name), sb.id);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return displayText(sb.name);
    case State: return sandboxStateName(sb.state);
    case Uptime:
        if (sb.state != SandboxState::Running || !sb.startedAt.isValid())
            return QString();
        return formatUptime(sb.startedAt.secsTo(QDateTime::currentDateTimeUtc()));
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

void SandboxListModel::reset(const QList<SandboxInfo> &all)
{
    beginResetModel();
    m_rows = all;
    endResetModel();
}

void SandboxListModel::upsert(const SandboxInfo &sandbox)
{
    int row = rowOf(sandbox.id);
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
    endRemoveRows();
}

} // namespace paddock::ui
