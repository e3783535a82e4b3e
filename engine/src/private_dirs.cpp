#include "private_dirs.h"

#include <QDir>
#include <QFile>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace paddock::detail {

DirCheck checkPrivateDir(const QString &path, bool followLinks)
{
    using S = DirCheck::Status;
    const QByteArray p = QFile::encodeName(path);
    struct stat st {};
    if ((followLinks ? ::stat(p.constData(), &st) : ::lstat(p.constData(), &st)) != 0)
        return errno == ENOENT ? DirCheck { S::Missing, QStringLiteral("%1 does not exist").arg(path) }
                               : DirCheck { S::Unusable, QStringLiteral("%1 cannot be examined: %2").arg(path, qt_error_string(errno)) };
    if (S_ISLNK(st.st_mode))
        return { S::Unusable, QStringLiteral("%1 is a symbolic link").arg(path) };
    if (!S_ISDIR(st.st_mode))
        return { S::Unusable, QStringLiteral("%1 is not a directory").arg(path) };
    if (st.st_uid != ::getuid())
        return { S::Foreign, QStringLiteral("%1 belongs to uid %2, not to you (uid %3)").arg(path).arg(st.st_uid).arg(::getuid()) };
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return { S::OpenToOthers,
                 QStringLiteral("%1 can be written by other users (mode %2)").arg(path).arg(st.st_mode & 07777, 4, 8, QLatin1Char('0')) };
    return { S::Private, {} };
}

Result<void> ensurePrivateDir(const QString &path)
{
    const QByteArray p = QFile::encodeName(path);
    if (::mkdir(p.constData(), 0700) != 0 && errno != EEXIST)
        return fail(ErrorCode::Io, QStringLiteral("cannot create %1: %2").arg(path, qt_error_string(errno)));
    const DirCheck check = checkPrivateDir(path, false);
    struct stat st {};
    if (check.ok() && ::lstat(p.constData(), &st) == 0 && (st.st_mode & 077) == 0)
        return {};
    return fail(ErrorCode::Conflict, QStringLiteral("%1; Paddock's sockets need a directory only you can use (mode 0700) — "
                                                    "remove it, or set XDG_RUNTIME_DIR to a private directory")
                                         .arg(check.ok() ? QStringLiteral("%1 is open to others").arg(path) : check.why));
}

Result<void> ensureOwnedTree(const QString &path, const QString &what)
{
    if (!QDir().mkpath(path))
        return fail(ErrorCode::Io, QStringLiteral("cannot create %1 %2").arg(what, path));
    const DirCheck check = checkPrivateDir(path, true);
    // Ours but loose (an old umask): ours to tighten. Anyone else's: refuse.
    if (!check.ok() && check.status != DirCheck::Status::OpenToOthers)
        return fail(ErrorCode::Conflict, QStringLiteral("cannot use %1: %2").arg(what, check.why));
    if (::chmod(QFile::encodeName(path).constData(), 0700) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot make %1 %2 private: %3").arg(what, path, qt_error_string(errno)));
    return {};
}

} // namespace paddock::detail
