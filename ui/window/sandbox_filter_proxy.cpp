#include "sandbox_filter_proxy.h"

#include "sandbox_list_model.h"

namespace paddock::ui {

SandboxFilterProxy::SandboxFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SandboxListModel::SortRole);
    // The state changes under a filter ("running"): re-filter on every change.
    setDynamicSortFilter(true);
}

void SandboxFilterProxy::setSearchText(const QString &text)
{
    m_search = text.trimmed();
    invalidateFilter();
}

bool SandboxFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_search.isEmpty()) return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return index.data(SandboxListModel::SearchRole)
        .toString()
        .contains(m_search, Qt::CaseInsensitive);
}

} // namespace paddock::ui
