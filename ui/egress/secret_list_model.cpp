#include "secret_list_model.h"

#include "paddock/display_text.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

namespace paddock::ui {

namespace {

QString sourceText(const SecretInfo &s)
{
    if (s.source == SecretSource::Stored)
        return s.inKeyring ? SecretListModel::tr("stored in the keyring") : SecretListModel::tr("stored value");
    return SecretListModel::tr("command: %1").arg(displayText(s.command));
}

QString ttlText(const SecretInfo &s)
{
    if (s.source == SecretSource::Stored) return {};
    return s.ttlSeconds ? SecretListModel::tr("%1 s").arg(s.ttlSeconds)
                        : SecretListModel::tr("run each time");
}

} // namespace

int SecretListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_secrets.size());
}

int SecretListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SecretListModel::data(const QModelIndex &index, int role) const
{
    const SecretInfo *s = secretAt(index.row());
    if (!s) return {};
    if (role == Qt::ForegroundRole && index.column() == Problem)
        return QBrush(QColor(0xb0, 0x30, 0x30));
    if (role == Qt::ToolTipRole && index.column() == Placeholder)
        return tr("A stand-in a sandbox may hold where a tool insists on a token: worth nothing, "
                  "and logged wherever it is sent");
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Name:
        return s->name;
    case Source:
        return sourceText(*s);
    case Ttl:
        return ttlText(*s);
    case Updated:
        return QLocale().toString(s->updatedAt.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
    case Placeholder:
        return m_placeholders.value(s->name);
    case Problem:
        return displayText(s->problem);
    }
    return {};
}

QVariant SecretListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Source:
        return tr("Value from");
    case Ttl:
        return tr("Reused for");
    case Updated:
        return tr("Set");
    case Placeholder:
        return tr("Placeholder");
    case Problem:
        return tr("Problem");
    }
    return {};
}

void SecretListModel::setSecrets(const QList<SecretInfo> &secrets)
{
    beginResetModel(); // a handful of rows, re-read whole after each change
    m_secrets = secrets;
    // A removed secret's placeholder went with it: set again, it gets a new one.
    for (auto it = m_placeholders.begin(); it != m_placeholders.end();)
        it = rowOf(it.key()) < 0 ? m_placeholders.erase(it) : std::next(it);
    endResetModel();
}

const SecretInfo *SecretListModel::secretAt(int row) const
{
    return row >= 0 && row < m_secrets.size() ? &m_secrets[row] : nullptr;
}

int SecretListModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_secrets.size(); ++row)
        if (m_secrets[row].name == name) return row;
    return -1;
}

void SecretListModel::setPlaceholder(const QString &name, const QString &placeholder)
{
    m_placeholders.insert(name, placeholder);
    if (const int row = rowOf(name); row >= 0)
        Q_EMIT dataChanged(index(row, Placeholder), index(row, Placeholder));
}

} // namespace paddock::ui
