// A secret vault on its own database, as the engine makes one, for the
// secrets tests (tst_secrets, tst_secret_keyring). reopen() is an engine
// restart: a new vault over the same database and files.
#pragma once

#include "test_support.h"

#include "secrets/secret_vault.h"
#include "store/database.h"
#include "store/secret_store.h"

#include <memory>

namespace paddock::test {

struct VaultFixture {
    TestDataDir data;
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::SecretStore> meta;
    std::unique_ptr<secrets::SecretVault> vault;

    VaultFixture() { reopen(); }
    void reopen()
    {
        vault.reset();
        meta.reset();
        db.reset();
        (void)data.paths().ensureExists();
        db = std::move(*store::Database::open(data.paths().database()));
        meta = std::make_unique<store::SecretStore>(*db);
        vault = std::make_unique<secrets::SecretVault>(*meta, data.paths().secretsDir());
    }
    Result<QByteArray> resolve(const QString &name)
    {
        return await<QByteArray>([&](Callback<QByteArray> done) { vault->resolve(name, done); });
    }
    Result<SecretInfo> setCommand(const QString &name, const QString &command, int ttl)
    {
        return await<SecretInfo>(
            [&](Callback<SecretInfo> done) { vault->setCommand(name, command, ttl, done); });
    }
    QByteArray fileContents() const
    {
        return test::fileContents(data.paths().secretsDir() + QStringLiteral("/values.json"));
    }
};

} // namespace paddock::test
