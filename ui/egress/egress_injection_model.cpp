#include "egress_injection_model.h"

namespace paddock::ui {

int EgressInjectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_injections.size());
}

int EgressInjectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EgressInjectionModel::kindName(EgressInjection::Kind kind)
{
    return kind == EgressInjection::Kind::Header ? QStringLiteral("header")
                                                 : QStringLiteral("query");
}

QVariant EgressInjectionModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_injections.size()) return {};
    const EgressInjection &i = m_injections[index.row()];
    if (role == Qt::ToolTipRole && index.column() == Value)
        return tr("{{secret.NAME}} stands for the secret's value; the sandbox never sees it");
    if (role != Qt::DisplayRole && role != Qt::EditRole) return {};
    switch (index.column()) {
    case Kind:
        return role == Qt::EditRole                   ? kindName(i.kind)
            : i.kind == EgressInjection::Kind::Header ? tr("Header")
                                                      : tr("Query parameter");
    case Name:
        return i.name;
    case Value:
        return i.value;
    }
    return {};
}

QVariant EgressInjectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Kind:
        return tr("Sets");
    case Name:
        return tr("Name");
    case Value:
        return tr("Value (template)");
    }
    return {};
}

Qt::ItemFlags EgressInjectionModel::flags(const QModelIndex &index) const
{
    return index.isValid() ? QAbstractTableModel::flags(index) | Qt::ItemIsEditable
                           : Qt::NoItemFlags;
}

bool EgressInjectionModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || index.row() >= m_injections.size() || role != Qt::EditRole)
        return false;
    EgressInjection &i = m_injections[index.row()];
    const QString text = value.toString();
    switch (index.column()) {
    case Kind:
        if (text == kindName(EgressInjection::Kind::Header))
            i.kind = EgressInjection::Kind::Header;
        else if (text == kindName(EgressInjection::Kind::Query))
            i.kind = EgressInjection::Kind::Query;
        else
            return false;
        break;
    // Spaces at either end are slips of the keyboard: no header name has
    // them, and a template's would go upstream as part of the credential.
    case Name:
        i.name = text.trimmed();
        break;
    case Value:
        i.value = text.trimmed();
        break;
    default:
        return false;
    }
    Q_EMIT dataChanged(index, index);
    return true;
}

void EgressInjectionModel::setInjections(const EgressInjections &injections)
{
    beginResetModel(); // a handful of rows, replaced whole when a rule is loaded
    m_injections = injections;
    endResetModel();
}

int EgressInjectionModel::add(EgressInjection injection)
{
    const int row = int(m_injections.size());
    beginInsertRows({}, row, row);
    m_injections.append(std::move(injection));
    endInsertRows();
    return row;
}

void EgressInjectionModel::remove(int row)
{
    if (row < 0 || row >= m_injections.size()) return;
    beginRemoveRows({}, row, row);
    m_injections.removeAt(row);
    endRemoveRows();
}

} // namespace paddock::ui
