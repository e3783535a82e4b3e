// Queries on secrets: each secret's name, source and times. Values are
// never written here (secrets/secret_file.h keeps them).
#pragma once

#include "database.h"

#include "paddock/secrets.h"

#include <QHash>

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
    // The secret's placeholder; empty when it has none yet.
    Result<QString> placeholder(const QString &name);
    Result<void> setPlaceholder(const QString &name, const QString &placeholder);
    // Every secret's placeholder that has one, by name.
    Result<QHash<QString, QString>> placeholders();

private:
    Database &m_db;
};

} // namespace paddock::store
