// One paddock-desktop per data dir: a second launch asks the first to raise
// its window and exits. The first listens on a local socket in the data dir's
// runtime dir — a 0700 directory this user owns (DataPaths::runtimeDir), never
// a name in /tmp another user could take first. A socket left by a crash is
// found dead (connection refused) and replaced.
#pragma once

#include "paddock/data_paths.h"
#include "paddock/error.h"

#include <QObject>

class QLocalServer;

namespace paddock::desktop {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    enum class Role { Primary, Secondary };

    // socketPath's directory must exist, be owned by this user and be private.
    explicit SingleInstance(QString socketPath, QObject *parent = nullptr);
    static QString socketPathFor(const DataPaths &paths);

    // Primary: this process now answers later launches. Secondary: a live
    // first instance was asked to raise its window; this process should exit.
    Result<Role> claim();
    QString socketPath() const { return m_path; }

Q_SIGNALS:
    void raiseRequested(); // a later launch wants this window in front

private:
    Result<void> checkDirectory() const;
    bool askPrimaryToRaise();
    void answer();

    QString m_path;
    QLocalServer *m_server = nullptr;
};

} // namespace paddock::desktop
