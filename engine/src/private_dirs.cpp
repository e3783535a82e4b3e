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
    struct stat st { };
    if ((followLinks ? ::stat(p.constData(), &st) : ::lstat(p.constData(), &st)) != 0)
        return errno == ENOENT
            ? DirCheck { S::Missing, QStringLiteral("%1 does not exist").arg(path) }
            : DirCheck { S::Unusable,
                  QStringLiteral("%1 cannot be examined: %2").arg(path, qt_error_string(errno)) };
    if (S_ISLNK(st.st_mode))
        return { S::Unusable, QStringLiteral("%1 is a symbolic link").arg(path) };
    if (!S_ISDIR(st.st_mode))
        return { S::Unusable, QStringLiteral("%1 is not a directory").arg(path) };
    if (st.st_uid != ::getuid())
        return { S::Foreign,
            QStringLiteral("%1 belongs to uid %2, not to you (uid %3)")
                .arg(path)
                .arg(st.st_uid)
                .arg(::getuid()) };
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return { S::OpenToOthers,
            QStringLiteral("%1 can be written by other users (mode %2)")
                .arg(path)
                .arg(st.st_mode & 07777, 4, 8, QLatin1Char('0')) };
    return { S::Private, {} };
}

Result<void> ensurePrivateDir(const QString &path)
{
    const QByteArray p = QFile::encodeName(path);
    if (::mkdir(p.constData(), 0700) != 0 && errno != EEXIST)
        return fail(ErrorCode::Io,
            QStringLiteral("cannot create %1: %2").arg(path, qt_error_string(errno)));
    const DirCheck check = checkPrivateDir(path, false);
    struct stat st { };
    if (check.ok() && ::lstat(p.constData(), &st) == 0 && (st.st_mode & 077) == 0) return {};
    return fail(ErrorCode::Conflict,
        QStringLiteral("%1; Paddock needs it to be a directory only you can use (mode 0700)")
            .arg(check.ok() ? QStringLiteral("%1 is open to others").arg(path) : check.why));
}

namespace {

// Creates each missing part of `path` with mode 0700 from the start: there
// is never a moment in which another user could write into it (mkpath
// makes 0777 & ~umask, then a chmod would come too late).
Result<void> makeTreePrivately(const QString &path)
{
    const QString clean = QDir::cleanPath(QDir(path).absolutePath());
    QString sofar;
    for (const QString &part : clean.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        sofar += QLatin1Char('/') + part;
        const QByteArray p = QFile::encodeName(sofar);
        if (::mkdir(p.constData(), 0700) != 0 && errno != EEXIST)
            return fail(ErrorCode::Io,
                QStringLiteral("cannot create %1: %2").arg(sofar, qt_error_string(errno)));
    }
    return {};
}

} // namespace

Result<void> ensureOwnedTree(const QString &path, const QString &what)
{
    if (auto r = makeTreePrivately(path); !r)
        return tl::unexpected(r.error().withContext(QStringLiteral("cannot create %1").arg(what)));
    const DirCheck check = checkPrivateDir(path, true);
    // Writable by others, it may hold what they put there (a database
    // linked to their directory, a layer every sandbox would mount):
    // tightening it now would not take that out. Refuse, and say so.
    if (check.status == DirCheck::Status::OpenToOthers)
        return fail(ErrorCode::Conflict,
            QStringLiteral("cannot use %1: %2, so anything in it may have been put there by "
                           "someone else; check "
                           "what it holds, then 'chmod 700 %3'")
                .arg(what, check.why, path));
    if (!check.ok())
        return fail(ErrorCode::Conflict, QStringLiteral("cannot use %1: %2").arg(what, check.why));
    // Only readable by others (an old umask): nothing can have been planted; ours to tighten.
    if (::chmod(QFile::encodeName(path).constData(), 0700) != 0)
        return fail(ErrorCode::Io,
            QStringLiteral("cannot make %1 %2 private: %3")
                .arg(what, path, qt_error_string(errno)));
    return {};
}

} // namespace paddock::detail
