// Queries on the processes table (background processes of sandboxes).
#pragma once

#include "database.h"

#include "paddock/process.h"

#include <QList>

namespace paddock::store {

class ProcessStore {
public:
    explicit ProcessStore(Database &db) : m_db(db) { }

    Result<void> insert(const ProcessInfo &p);
    Result<QList<ProcessInfo>> forSandbox(const QString &sandboxId);
    Result<qint64> countRunning(const QString &sandboxId);
    Result<std::optional<ProcessInfo>> byIdOrName(const QString &sandboxId, const QString &key);
    Result<void> markEnded(const QString &sandboxId, const QString &id, ProcessState state,
                           const ExitStatus &exit);
    // Every process still marked running ends in `state` (the sandbox stopped or vanished).
    Result<void> endAllRunning(const QString &sandboxId, ProcessState state);

private:
    Database &m_db;
};

} // namespace paddock::store
