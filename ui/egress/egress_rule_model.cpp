#include "egress_rule_model.h"

#include <QMimeData>

namespace paddock::ui {

int EgressRuleModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rules.size()); }

int EgressRuleModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EgressRuleModel::data(const QModelIndex &index, int role) const
{
    const EgressRule *r = ruleAt(index.row());
    if (!r || (role != Qt::DisplayRole && role != Qt::EditRole))
        return {};
    switch (index.column()) {
    case Order: return index.row() + 1;
    case Action: return egressActionName(r->action);
    case Pattern: return r->pattern;
    case Port: return role == Qt::EditRole ? QVariant(int(r->port)) : QVariant(r->port ? QString::number(r->port) : tr("any"));
    case Method: return role == Qt::EditRole || !r->method.isEmpty() ? QVariant(r->method) : QVariant(tr("any"));
    case Path: return role == Qt::EditRole || !r->path.isEmpty() ? QVariant(r->path) : QVariant(tr("any"));
    case Credentials: return credentialsText(*r);
    case Reason: return r->reason;
    }
    return {};
}

QString EgressRuleModel::credentialsText(const EgressRule &rule)
{
    QStringList names;
    for (const EgressInjection &i : rule.inject)
        names << (i.kind == EgressInjection::Kind::Query ? u'?' + i.name : i.name);
    if (!rule.handler.isEmpty())
        names << (rule.handler.name.isEmpty() ? tr("handler") : rule.handler.name);
    return names.join(QStringLiteral(", "));
}

QString EgressRuleModel::handlerText(const EgressHandler &handler)
{
    if (handler.isEmpty())
        return tr("none");
    const QString name = handler.name.isEmpty() ? tr("a script") : handler.name;
    return handler.secrets.isEmpty() ? name : tr("%1 (handed %2)").arg(name, handler.secrets.join(QStringLiteral(", ")));
}

QVariant EgressRuleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Order: return tr("#");
    case Action: return tr("Action");
    case Pattern: return tr("Destination");
    case Port: return tr("Port");
    case Method: return tr("HTTP method");
    case Path: return tr("HTTP path");
    case Credentials: return tr("Injects");
    case Reason: return tr("Reason");
    }
    return {};
}

Qt::ItemFlags EgressRuleModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index) | Qt::ItemIsDropEnabled;
    if (!index.isValid())
        return f;
    f |= Qt::ItemIsDragEnabled;
    if (index.column() != Order && index.column() != Credentials)
        f |= Qt::ItemIsEditable;
    return f;
}

bool EgressRuleModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const EgressRule *r = ruleAt(index.row());
    if (!r || role != Qt::EditRole)
        return false;
    EgressRule updated = *r;
    switch (index.column()) {
    case Action: {
        auto action = egressActionFromName(value.toString().trimmed().toLower());
        if (!action)
            return false;
        updated.action = *action;
        break;
    }
    case Pattern: updated.pattern = value.toString(); break;
    case Port: {
        bool ok = false;
        const int port = value.toInt(&ok);
        if (!ok || port < 0 || port > 65535)
            return false;
        updated.port = quint16(port);
        break;
    }
    case Method: updated.method = value.toString().trimmed().toUpper(); break;
    case Path: updated.path = value.toString().trimmed(); break;
    case Reason: updated.reason = value.toString(); break;
    default: return false;
    }
    Q_EMIT editRequested(updated);
    return false; // shown once the engine has it
}

QMimeData *EgressRuleModel::mimeData(const QModelIndexList &indexes) const
{
    if (indexes.isEmpty())
        return nullptr;
    auto *mime = new QMimeData;
    mime->setData(QString::fromLatin1(kMimeType), QByteArray::number(indexes.first().row()));
    return mime;
}

bool EgressRuleModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int, const QModelIndex &parent)
{
    if (action != Qt::MoveAction || !data->hasFormat(QString::fromLatin1(kMimeType)))
        return false;
    const int from = data->data(QString::fromLatin1(kMimeType)).toInt();
    const EgressRule *dragged = ruleAt(from);
    if (!dragged)
        return false;
    // Dropped on a row: take its place; between rows: `row`; below all: last.
    int target = parent.isValid() ? parent.row() : row < 0 ? int(m_rules.size()) : row;
    if (target > from)
        --target; // the rule leaves its old place first
    if (target != from)
        Q_EMIT moveRequested(dragged->id, target);
    return false; // the view must not remove the source row itself
}

void EgressRuleModel::setRules(const QList<EgressRule> &rules)
{
    beginResetModel(); // a rule list is a handful of rows, replaced whole
    m_rules = rules;
    endResetModel();
}

const EgressRule *EgressRuleModel::ruleAt(int row) const
{
    return row >= 0 && row < m_rules.size() ? &m_rules[row] : nullptr;
}

} // namespace paddock::ui
