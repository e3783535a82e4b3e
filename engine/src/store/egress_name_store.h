// Queries on egress_names (the name behind each fake DNS address of a
// sandbox) and host_overrides (names pointed at addresses by the user).
#pragma once

#include "database.h"

#include "paddock/egress.h"

#include <QHash>

namespace paddock::store {

class EgressNameStore {
public:
    explicit EgressNameStore(Database &db) : m_db(db) { }

    Result<QHash<quint32, QString>> names(const QString &sandboxId); // by slot
    // Inserts or replaces each (slot, name) in one transaction.
    Result<void> saveNames(const QString &sandboxId, const QList<QPair<quint32, QString>> &names);

    Result<QList<HostOverride>> overrides();
    Result<void> setOverride(const HostOverride &o);
    Result<bool> removeOverride(const QString &name); // false: there was none

private:
    Database &m_db;
};

} // namespace paddock::store
