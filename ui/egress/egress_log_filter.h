// Narrows the egress log view: by verdict, and by text in the destination.
#pragma once

#include "paddock/egress.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace paddock::ui {

class EgressLogFilter : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setVerdict(std::optional<EgressVerdict> verdict);
    void setDestinationText(const QString &text);
    // Only allowed connections that failed (EgressLogEntry::failure).
    void setFailedOnly(bool failedOnly);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    std::optional<EgressVerdict> m_verdict;
    QString m_text;
    bool m_failedOnly = false;
};

} // namespace paddock::ui
