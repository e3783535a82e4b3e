#include "paddock/data_paths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

#include <sys/stat.h>
#include <unistd.h>

namespace paddock {

namespace {

QString env(const char *name) { return qEnvironmentVariable(name); }

QString runtimeBase()
{
    QString xdg = env("XDG_RUNTIME_DIR");
    if (!xdg.isEmpty() && QFileInfo(xdg).isDir() && QFileInfo(xdg).isWritable())
        return xdg + QStringLiteral("/paddock");
    return QStringLiteral("/tmp/paddock-%1").arg(::getuid());
}

// Creates `path` with mode 0700 if missing and refuses one that another user
// owns or others can enter: sockets inside control the sandboxes.
Result<void> ensurePrivateDir(const QString &path)
{
    QByteArray p = QFile::encodeName(path);
    if (::mkdir(p.constData(), 0700) != 0 && errno != EEXIST)
        return fail(ErrorCode::Io, QStringLiteral("cannot create %1: %2").arg(path, qt_error_string(errno)));
    struct stat st {};
    if (::lstat(p.constData(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(ErrorCode::Io, QStringLiteral("%1 is not a directory").arg(path));
    if (st.st_uid != ::getuid() || (st.st_mode & 077) != 0)
        return fail(ErrorCode::Conflict,
                    QStringLiteral("%1 must be owned by you with mode 0700; fix or remove it").arg(path));
    return {};
}

} // namespace

DataPaths DataPaths::resolve(const QString &explicitDir)
{
    QString dir = explicitDir;
    if (dir.isEmpty())
        dir = env("PADDOCK_DATA_DIR");
    if (dir.isEmpty() && !env("XDG_DATA_HOME").isEmpty())
        dir = env("XDG_DATA_HOME") + QStringLiteral("/paddock");
    if (dir.isEmpty())
        dir = QDir::homePath() + QStringLiteral("/.local/share/paddock");
    DataPaths paths;
    paths.m_dataDir = QDir::cleanPath(QDir(dir).absolutePath());
    QByteArray hash = QCryptographicHash::hash(paths.m_dataDir.toUtf8(), QCryptographicHash::Sha256);
    paths.m_cacheDir = env("PADDOCK_CACHE_DIR");
    if (paths.m_cacheDir.isEmpty())
        paths.m_cacheDir = (env("XDG_CACHE_HOME").isEmpty() ? QDir::homePath() + QStringLiteral("/.cache")
                                                            : env("XDG_CACHE_HOME"))
            + QStringLiteral("/paddock");
    paths.m_runtimeDir = runtimeBase() + QLatin1Char('/') + QString::fromLatin1(hash.toHex().left(16));
    return paths;
}

Result<void> DataPaths::ensureExists() const
{
    if (!QDir().mkpath(m_dataDir))
        return fail(ErrorCode::Io, QStringLiteral("cannot create data dir %1").arg(m_dataDir));
    if (::chmod(QFile::encodeName(m_dataDir).constData(), 0700) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot chmod %1").arg(m_dataDir));
    for (const QString &d : { runtimeBase(), m_runtimeDir })
        if (auto r = ensurePrivateDir(d); !r)
            return r;
    return {};
}

} // namespace paddock
