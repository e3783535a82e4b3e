// Queries on the sandboxes table.
#pragma once

#include "database.h"

#include "paddock/sandbox.h"

#include <QList>

namespace paddock::store {

class SandboxStore {
public:
    explicit SandboxStore(Database &db) : m_db(db) { }

    Result<void> insert(const SandboxInfo &sb);
    Result<QList<SandboxInfo>> all();
    Result<std::optional<SandboxInfo>> byIdOrName(const QString &key);
    Result<void> setState(const QString &id, SandboxState state, qint64 initPid);
    Result<void> rename(const QString &id, const QString &name);
    Result<void> setLimits(const QString &id, const ResourceLimits &limits);
    Result<void> remove(const QString &id);
    // Hands out the next process id of a sandbox ("p1", "p2", …).
    Result<QString> takeProcessId(const QString &sandboxId);

private:
    Database &m_db;
};

} // namespace paddock::store
