// Queries on egress_names (the name behind each fake DNS address of a
// sandbox, and when it was last answered) and host_overrides (names pointed
// at addresses by the user).
#pragma once

#include "database.h"

#include "paddock/egress.h"

#include <QList>
#include <QPair>

namespace paddock::store {

// A fake address given out: its slot in the pool, its name, and when it was
// last answered (ms since the epoch), which orders the pool after a restart.
struct AnsweredName {
    quint32 slot = 0;
    QString name;
    qint64 answeredAtMs = 0;
};

class EgressNameStore {
public:
    explicit EgressNameStore(Database &db) : m_db(db) { }

    // (slot, name), least recently answered first.
    Result<QList<QPair<quint32, QString>>> names(const QString &sandboxId);
    // Inserts or replaces each slot's name and time in one transaction.
    Result<void> saveNames(const QString &sandboxId, const QList<AnsweredName> &names);

    Result<QList<HostOverride>> overrides();
    Result<void> setOverride(const HostOverride &o);
    Result<bool> removeOverride(const QString &name); // false: there was none

private:
    Database &m_db;
};

} // namespace paddock::store
