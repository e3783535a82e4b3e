// Queries on egress_log. Rows are written in bursts by egress::EgressLog
// (one transaction per burst) and pruned per sandbox, so that one sandbox's
// flood of entries never pushes out another's.
#pragma once

#include "database.h"

#include "paddock/egress.h"
#include "paddock/sandbox_vitals.h"

namespace paddock::store {

class EgressLogStore {
public:
    explicit EgressLogStore(Database &db) : m_db(db) { }

    // Inserts or replaces each entry by ID, all in one transaction.
    Result<void> save(const QList<EgressLogEntry> &entries);
    // Newest first. `sandboxId` empty: every sandbox.
    Result<QList<EgressLogEntry>> query(const QString &sandboxId, const EgressLogQuery &q);
    // Allowed (of which failed) and denied entries of a sandbox from `since`
    // on. Scans that sandbox's rows, which its retention bounds.
    Result<EgressCounts> countSince(const QString &sandboxId, const QDateTime &since);
    Result<qint64> maxId();
    Result<qint64> count();
    // Keeps the newest `keep` rows of each sandbox named; returns how many went.
    Result<qint64> pruneSandboxes(const QStringList &sandboxIds, qint64 keep);
    // Keeps the newest `keep` rows of all sandboxes together; returns how many went.
    Result<qint64> pruneOverall(qint64 keep);
    Result<void> removeSandbox(const QString &sandboxId);
    // Entries left open by an engine that stopped mid-connection.
    Result<void> closeOpenEntries();

private:
    Database &m_db;
};

} // namespace paddock::store
