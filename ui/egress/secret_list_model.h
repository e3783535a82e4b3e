// The secret store as a table: names and where each value comes from,
// never a value (the engine has no call that returns one). Placeholders
// show once asked for: the engine's listing does not carry them, and
// asking makes one.
#pragma once

#include "paddock/secrets.h"

#include <QAbstractTableModel>
#include <QHash>

namespace paddock::ui {

class SecretListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Source, Ttl, Updated, Placeholder, Problem, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setSecrets(const QList<SecretInfo> &secrets);
    const SecretInfo *secretAt(int row) const;
    int rowOf(const QString &name) const; // -1 when not listed
    void setPlaceholder(const QString &name, const QString &placeholder);
    QString placeholder(const QString &name) const { return m_placeholders.value(name); }

private:
    QList<SecretInfo> m_secrets;
    QHash<QString, QString> m_placeholders; // by name, as the engine made them
};

} // namespace paddock::ui
