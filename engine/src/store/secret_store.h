// Queries on secrets: each secret's name, source and times. Values are
// never written here (secrets/secret_file.h keeps them).
#pragma once

#include "database.h"

#include "paddock/secrets.h"

namespace paddock::store {

class SecretStore {
public:
    explicit SecretStore(Database &db)
        : m_db(db)
    {
    }

    Result<QList<SecretInfo>> all(); // by name
    Result<std::optional<SecretInfo>> find(const QString &name);
    // Inserts, or replaces all but the creation time.
    Result<void> save(const SecretInfo &info);
    Result<bool> remove(const QString &name); // false: there was none

private:
    Database &m_db;
};

} // namespace paddock::store
