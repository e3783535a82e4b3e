// Where the engine keeps and finds secrets: names and sources in the
// database (store/secret_store.h), stored values in the desktop's keyring
// where a Secret Service answers (secret_keyring.h), else in the user's
// secret file (secret_file.h), command outputs fetched at use time and
// reused for the secret's TTL (secret_command.h). Only resolve() ever
// yields a value, and only the egress proxy calls it, to send that value
// upstream.
//
// PADDOCK_SECRET_STORE=file keeps every value in the file (the keyring is
// not asked); the database says for each secret where its value went.
//
// Thread ownership: the engine thread.
#pragma once

#include "secret_file.h"
#include "secret_keyring.h"
#include "store/secret_store.h"

#include "paddock/engine.h"
#include "paddock/secrets.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QList>

#include <memory>
#include <optional>

namespace paddock::secrets {

class SecretVault {
public:
    // `dir`: the secrets directory (its file, and the keyring items' tag).
    SecretVault(store::SecretStore &meta, const QString &dir);

    // Stores a value (replacing what the name had, a command too).
    Result<SecretInfo> setValue(const QString &name, const QByteArray &value);
    // The value will be the command's output, fetched at use time and
    // reused for ttlSeconds (0: fetched for every use). The command runs
    // once now: one that fails is not saved, and says why.
    void setCommand(
        const QString &name, const QString &command, int ttlSeconds, Callback<SecretInfo> done);
    // With `problem` set on a stored secret whose value cannot be found.
    Result<QList<SecretInfo>> list();
    // The value first, then the name: a failure leaves both.
    Result<void> remove(const QString &name);

    // The secret's placeholder (egress/inject/placeholder_scanner.h), made
    // the first time it is asked for; the secret must exist.
    Result<QString> placeholder(const QString &name);
    // Every placeholder given out, by secret name (cached).
    const QHash<QString, QString> &placeholders();

    // The value now. Callers asking for a command's value while it runs
    // share that one run.
    void resolve(const QString &name, Callback<QByteArray> done);

    // For tests: how many times a secret's command has run.
    int commandRuns(const QString &name) const { return m_runs.value(name); }

private:
    Result<SecretInfo> save(const QString &name, SecretSource source, const QString &command, int ttlSeconds,
        bool inKeyring = false);
    void onCommandDone(const QString &name, int ttlSeconds, const Result<QByteArray> &value);
    void onCheckedCommand(const QString &name, const QString &command, int ttlSeconds,
        const Result<QByteArray> &value, const Callback<SecretInfo> &done);

    struct CachedOutput {
        QByteArray value;
        QDeadlineTimer fresh;
    };
    Result<std::optional<QByteArray>> storedValue(const SecretInfo &info);
    Result<void> forgetStoredValue(const QString &name);

    store::SecretStore &m_meta;
    SecretFile m_file;
    std::optional<SecretKeyring> m_keyring; // none: PADDOCK_SECRET_STORE=file
    QHash<QString, QByteArray> m_fromKeyring; // read once, then kept: no D-Bus trip per request
    QHash<QString, CachedOutput> m_outputs;
    QHash<QString, QList<Callback<QByteArray>>> m_waiting; // by name, while its command runs
    QHash<QString, int> m_runs;
    std::optional<QHash<QString, QString>> m_placeholders; // cache of the store's
    // Commands outlive nothing: a run that ends after the vault sees it gone.
    std::shared_ptr<int> m_life = std::make_shared<int>(0);
};

} // namespace paddock::secrets
