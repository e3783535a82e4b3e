// Secret values in the desktop's keyring: the Secret Service (GNOME
// Keyring, KeePassXC, KWallet) over D-Bus, through libsecret. Each value is
// an item of the schema "dev.paddock.Secret" with two attributes: the
// secret's name and the data directory it belongs to (two Paddock data
// directories never share a value).
//
// Every call gives up after kTimeoutMs: a keyring that does not answer, or
// asks the user to unlock it and is not answered, fails the call with the
// reason rather than holding the engine. Where no Secret Service answers at
// all (no session bus, nothing owns org.freedesktop.secrets) the vault
// keeps values in its 0600 file instead (secret_vault.h).
//
// Thread ownership: the engine thread (libsecret's sync calls run their own
// main loop).
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace paddock::secrets {

class SecretKeyring {
public:
    static constexpr int kTimeoutMs = 5000;

    explicit SecretKeyring(QString dataDir)
        : m_dataDir(std::move(dataDir))
    {
    }

    Result<void> store(const QString &name, const QByteArray &value);
    // The value, or nullopt when the keyring holds none under that name.
    Result<std::optional<QByteArray>> lookup(const QString &name);
    // Absent is no error.
    Result<void> remove(const QString &name);

private:
    QString m_dataDir;
};

} // namespace paddock::secrets
