// Background processes of one sandbox, updated row by row as they start
// and end. ProcessFilterModel (processes/) filters and sorts them for the view.
#pragma once

#include "paddock/process.h"

#include <QAbstractTableModel>

namespace paddock::ui {

class ProcessListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Id, Name, State, Pid, Started, Exit, Command, ColumnCount };
    // What the table sorts by: numbers for the numeric columns.
    static constexpr int SortRole = Qt::UserRole + 1;

    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    const ProcessInfo *processAt(int row) const;
    QString sandboxId() const { return m_sandboxId; }

public Q_SLOTS:
    void showSandbox(const QString &sandboxId, const QList<paddock::ProcessInfo> &all);
    void upsert(const paddock::ProcessInfo &process); // ignored for other sandboxes

private:
    QString m_sandboxId;
    QList<ProcessInfo> m_rows;
};

} // namespace paddock::ui
