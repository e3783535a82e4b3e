// The process table as shown: filtered by what the user types (matched
// against the ID, name, state and command) and sorted by any column,
// numbers as numbers ("p9" before "p10", exit 2 before exit 10).
#pragma once

#include <QSortFilterProxyModel>

namespace paddock::ui {

class ProcessFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit ProcessFilterModel(QObject *parent = nullptr);

public Q_SLOTS:
    void setFilterText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
};

} // namespace paddock::ui
