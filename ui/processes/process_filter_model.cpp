#include "process_filter_model.h"

#include "process_list_model.h"

namespace paddock::ui {

ProcessFilterModel::ProcessFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ProcessListModel::SortRole);
    setDynamicSortFilter(true); // rows move and appear as processes start and end
}

void ProcessFilterModel::setFilterText(const QString &text)
{
    if (text.trimmed() == m_text) return;
    m_text = text.trimmed();
    invalidateRowsFilter();
}

bool ProcessFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_text.isEmpty()) return true;
    const QAbstractItemModel *source = sourceModel();
    for (int column : { ProcessListModel::Id, ProcessListModel::Name, ProcessListModel::State,
             ProcessListModel::Command }) {
        const QString shown = source->index(sourceRow, column, sourceParent).data().toString();
        if (shown.contains(m_text, Qt::CaseInsensitive)) return true;
    }
    return false;
}

} // namespace paddock::ui
