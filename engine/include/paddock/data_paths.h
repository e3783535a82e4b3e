// Where Paddock keeps things for one data dir. Shared by the engine and the
// CLI, which must agree on the API socket's location without asking anyone.
#pragma once

#include "paddock/error.h"

#include <QString>
#include <QStringList>

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
    // Paddock's CA (its key 0600): no sandbox ever mounts it.
    QString caDir() const { return m_dataDir + QStringLiteral("/ca"); }
    // The CA bundles sandboxes trust, as overlay layers (sandbox/trust_layer.h).
    QString trustLayersDir() const { return m_dataDir + QStringLiteral("/trust"); }
    // Stored secrets' values (0600): no sandbox ever mounts it.
    QString secretsDir() const { return m_dataDir + QStringLiteral("/secrets"); }
    // CAs inspected egress trusts upstream beyond the host's store (PEM files).
    QString upstreamCaDir() const { return m_dataDir + QStringLiteral("/upstream-cas"); }
    // Base images are derived from the host and rebuilt at will: they live in
    // the user's cache ($PADDOCK_CACHE_DIR, else $XDG_CACHE_HOME/paddock, else
    // ~/.cache/paddock), shared by every data dir of the user.
    QString cacheDir() const { return m_cacheDir; }
    QString imagesDir() const { return m_cacheDir + QStringLiteral("/images"); }

    // Sockets live under the runtime dir, in a folder named after a hash of
    // the data dir: unix socket paths are limited to 108 bytes, data dirs are not.
    // The runtime dir is the first place only this user controls, of
    // $XDG_RUNTIME_DIR/paddock, /run/user/<uid>/paddock, /tmp/paddock-<uid>
    // and <data dir>/run; empty when none is (ensureExists() says why).
    QString runtimeDir() const { return m_runtimeDir; }
    // Why earlier places were passed over ("/tmp/paddock-1000 belongs to uid 1001…").
    QStringList runtimeNotes() const { return m_runtimeNotes; }
    QString apiSocket() const { return m_runtimeDir + QStringLiteral("/api.sock"); }
    QString initSocket(const QString &sandboxId) const
    {
        return m_runtimeDir + QStringLiteral("/sb-") + sandboxId + QStringLiteral(".sock");
    }

    // Creates the data, cache and runtime dirs (0700) and checks that they
    // are ours and closed to other users.
    Result<void> ensureExists() const;

private:
    QString m_dataDir;
    QString m_runtimeBase;
    QString m_runtimeDir;
    QStringList m_runtimeNotes;
    QString m_cacheDir;
};

} // namespace paddock
