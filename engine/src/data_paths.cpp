#include "paddock/data_paths.h"

#include "private_dirs.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

#include <unistd.h>

namespace paddock {

namespace {

using detail::checkPrivateDir;
using detail::DirCheck;

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

// The longest socket name under a runtime dir: "/<16 hex>/sb-<12>.sock"
// plus room to spare; sun_path holds 107 bytes and a NUL.
constexpr qsizetype kMaxRuntimeBaseLength = 107 - 40;

struct RuntimeBase {
    QString path; // empty: nowhere safe
    QStringList passedOver; // why earlier candidates were not used
};

// `dir` may be used for sockets: our own, closed to others (or missing,
// when `parent` is, and ensureExists() will make it), and short enough.
bool usableSocketDir(const QString &parent, const QString &dir, QStringList &notes)
{
    if (!parent.isEmpty()) {
        const DirCheck p = checkPrivateDir(parent, true); // /run/user may be reached through a link
        if (!p.ok()) {
            notes << p.why;
            return false;
        }
    }
    const DirCheck d = checkPrivateDir(dir, false);
    if (!d.ok() && d.status != DirCheck::Status::Missing) {
        notes << d.why;
        return false;
    }
    if (dir.size() > kMaxRuntimeBaseLength) {
        notes << QStringLiteral("%1 is too long for socket paths").arg(dir);
        return false;
    }
    return true;
}

// The first place for sockets that only this user controls. The CLI and
// the engine walk the same list and so agree without talking:
//   $XDG_RUNTIME_DIR/paddock, /run/user/<uid>/paddock (a login without the
//   variable), $TMPDIR-or-/tmp/paddock-<uid> (absent, or ours and 0700),
//   then <data dir>/run.
// Another user who makes /tmp/paddock-<uid> first only moves us along.
RuntimeBase chooseRuntimeBase(const QString &dataDir)
{
    RuntimeBase out;
    const QString xdg = env("XDG_RUNTIME_DIR");
    const QString runUser = QStringLiteral("/run/user/%1").arg(::getuid());
    const QString tmp
        = env("TMPDIR").isEmpty() ? QStringLiteral("/tmp") : QDir::cleanPath(env("TMPDIR"));
    const struct {
        bool applies;
        QString parent, dir;
    } candidates[] = {
        { !xdg.isEmpty(), xdg, xdg + QStringLiteral("/paddock") },
        { xdg != runUser && QFileInfo::exists(runUser), runUser,
            runUser + QStringLiteral("/paddock") },
        { true, QString(), QStringLiteral("%1/paddock-%2").arg(tmp).arg(::getuid()) },
        { true, QString(), dataDir + QStringLiteral("/run") },
    };
    for (const auto &c : candidates) {
        if (c.applies && usableSocketDir(c.parent, c.dir, out.passedOver)) {
            out.path = c.dir;
            return out;
        }
    }
    return out;
}

} // namespace

DataPaths DataPaths::resolve(const QString &explicitDir)
{
    QString dir = explicitDir;
    if (dir.isEmpty()) dir = env("PADDOCK_DATA_DIR");
    if (dir.isEmpty() && !env("XDG_DATA_HOME").isEmpty())
        dir = env("XDG_DATA_HOME") + QStringLiteral("/paddock");
    if (dir.isEmpty()) dir = QDir::homePath() + QStringLiteral("/.local/share/paddock");
    DataPaths paths;
    paths.m_dataDir = QDir::cleanPath(QDir(dir).absolutePath());
    QByteArray hash
        = QCryptographicHash::hash(paths.m_dataDir.toUtf8(), QCryptographicHash::Sha256);
    paths.m_cacheDir = env("PADDOCK_CACHE_DIR");
    if (paths.m_cacheDir.isEmpty())
        paths.m_cacheDir
            = (env("XDG_CACHE_HOME").isEmpty() ? QDir::homePath() + QStringLiteral("/.cache")
                                               : env("XDG_CACHE_HOME"))
            + QStringLiteral("/paddock");
    const RuntimeBase base = chooseRuntimeBase(paths.m_dataDir);
    paths.m_runtimeBase = base.path;
    paths.m_runtimeNotes = base.passedOver;
    if (!base.path.isEmpty())
        paths.m_runtimeDir
            = base.path + QLatin1Char('/') + QString::fromLatin1(hash.toHex().left(16));
    return paths;
}

Result<void> DataPaths::ensureExists() const
{
    if (auto r = detail::ensureOwnedTree(m_dataDir, QStringLiteral("the data dir")); !r) return r;
    if (auto r = detail::ensureOwnedTree(m_cacheDir, QStringLiteral("the cache dir")); !r) return r;
    if (m_runtimeBase.isEmpty())
        return fail(ErrorCode::Conflict,
            QStringLiteral("no directory only you can use for Paddock's sockets (%1); "
                           "set XDG_RUNTIME_DIR to a private directory")
                .arg(m_runtimeNotes.join(QStringLiteral("; "))));
    for (const QString &d : { m_runtimeBase, m_runtimeDir })
        if (auto r = detail::ensurePrivateDir(d); !r)
            return tl::unexpected(Error { r.error().code,
                r.error().message
                    + QStringLiteral(" for its sockets — remove it, or set "
                                     "XDG_RUNTIME_DIR to a private directory") });
    return {};
}

} // namespace paddock
