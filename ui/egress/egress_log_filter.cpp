#include "egress_log_filter.h"

#include "egress_log_model.h"

namespace paddock::ui {

void EgressLogFilter::setVerdict(std::optional<EgressVerdict> verdict)
{
    m_verdict = verdict;
    invalidateFilter();
}

void EgressLogFilter::setFailedOnly(bool failedOnly)
{
    m_failedOnly = failedOnly;
    invalidateFilter();
}

void EgressLogFilter::setDestinationText(const QString &text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

bool EgressLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = static_cast<const EgressLogModel *>(sourceModel());
    const EgressLogEntry *e = model->entryAt(sourceRow);
    if (!e)
        return false;
    if (m_verdict && e->verdict != *m_verdict)
        return false;
    if (m_failedOnly && e->failure.isEmpty())
        return false;
    return m_text.isEmpty() || e->host.contains(m_text, Qt::CaseInsensitive) || e->address.contains(m_text);
}

} // namespace paddock::ui
