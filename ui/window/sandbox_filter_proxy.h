// The sandbox list as the view shows it: filtered by the search box (name,
// ID or state) and sorted by the clicked column. Every view row must be mapped
// through this proxy to reach the model's row.
#pragma once

#include <QSortFilterProxyModel>

namespace paddock::ui {

class SandboxFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit SandboxFilterProxy(QObject *parent = nullptr);
    void setSearchText(const QString &text); // plain text, not a pattern

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
};

} // namespace paddock::ui
