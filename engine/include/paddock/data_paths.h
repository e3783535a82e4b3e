// Where Paddock keeps things for one data dir. Shared by the engine and the
// CLI, which must agree on the API socket's location without asking anyone.
#pragma once

#include "paddock/error.h"

#include <QString>

namespace paddock {

class DataPaths {
public:
    // explicitDir, else $PADDOCK_DATA_DIR, else $XDG_DATA_HOME/paddock, else
    // ~/.local/share/paddock.
    static DataPaths resolve(const QString &explicitDir = {});

    QString dataDir() const { return m_dataDir; }
    QString database() const { return m_dataDir + QStringLiteral("/paddock.db"); }
    QString lockFile() const { return m_dataDir + QStringLiteral("/engine.lock"); }
    QString engineLog() const { return m_dataDir + QStringLiteral("/engine.log"); }
    QString sandboxesDir() const { return m_dataDir + QStringLiteral("/sandboxes"); }
    QString sandboxDir(const QString &id) const { return sandboxesDir() + QLatin1Char('/') + id; }
    // Base images are derived from the host and rebuilt at will: they live in
    // the user's cache ($PADDOCK_CACHE_DIR, else $XDG_CACHE_HOME/paddock, else
    // ~/.cache/paddock), shared by every data dir of the user.
    QString cacheDir() const { return m_cacheDir; }
    QString imagesDir() const { return m_cacheDir + QStringLiteral("/images"); }

    // Sockets live under the runtime dir, in a folder named after a hash of
    // the data dir: unix socket paths are limited to 108 bytes, data dirs are not.
    QString runtimeDir() const { return m_runtimeDir; }
    QString apiSocket() const { return m_runtimeDir + QStringLiteral("/api.sock"); }
    QString initSocket(const QString &sandboxId) const
    {
        return m_runtimeDir + QStringLiteral("/sb-") + sandboxId + QStringLiteral(".sock");
    }

    // Creates the data and runtime dirs (0700) and checks they are ours.
    Result<void> ensureExists() const;

private:
    QString m_dataDir;
    QString m_runtimeDir;
    QString m_cacheDir;
};

} // namespace paddock
