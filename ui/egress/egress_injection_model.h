// The injections of a rule being edited: headers and query parameters set
// on each request the rule inspects, from templates over secrets
// ("Bearer {{secret.GITHUB_TOKEN}}"). A working copy: nothing reaches the
// engine until the rule is saved, and the engine validates it then.
#pragma once

#include "paddock/egress.h"

#include <QAbstractTableModel>

namespace paddock::ui {

class EgressInjectionModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Kind, Name, Value, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;

    void setInjections(const EgressInjections &injections);
    const EgressInjections &injections() const { return m_injections; }
    // Appends an injection and returns its row.
    int add(EgressInjection injection);
    void remove(int row);

    static QString kindName(EgressInjection::Kind kind); // "header" | "query"

private:
    EgressInjections m_injections;
};

} // namespace paddock::ui
