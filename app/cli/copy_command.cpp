// `paddock cp SRC DST`: one file between the host and a sandbox (SB:PATH
// names a path in a sandbox).
//
// Into the host, what lands is whole or nothing: a regular destination is
// written beside itself and renamed into place, so a failed copy leaves the
// old file as it was. A full disk stops the copy at once (and a copy that
// cannot fit is refused before a byte is written) — the sandbox chooses the
// size, and a 1 TiB sparse file must not fill the user's disk.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"
#include "files_api.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QSaveFile>

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <optional>

namespace paddock::cli {

namespace {

// "SB:PATH" names a path in a sandbox; anything else is a host path (write
// "./a:b" for a host file with a colon in its first component).
bool splitRemote(const QString &arg, QString &sb, QString &path)
{
    const qsizetype colon = arg.indexOf(QLatin1Char(':'));
    if (colon <= 0 || arg.left(colon).contains(QLatin1Char('/')))
        return false;
    sb = arg.left(colon);
    path = arg.mid(colon + 1);
    return true;
}

uint unixMode(const QString &hostPath)
{
    struct ::stat st;
    return ::stat(QFile::encodeName(hostPath).constData(), &st) == 0 ? uint(st.st_mode & 07777) : 0644;
}

int copyToSandbox(CliContext &ctx, const QString &hostPath, const QString &sb, QString path)
{
    QFile in(hostPath);
    if (!in.open(QIODevice::ReadOnly))
        return reportError(Error { ErrorCode::NotFound, QStringLiteral("cannot read %1: %2").arg(hostPath, in.errorString()) });
    if (path.isEmpty() || path.endsWith(QLatin1Char('/')))
        path += QFileInfo(hostPath).fileName();
    const QString target = filesPath(sb, "content", path) + QStringLiteral("&mode=") + QString::number(unixMode(hostPath), 8);
    auto r = ctx.api.uploadFile(target, in, in.size()); // streamed: any size
    return r ? 0 : reportError(r.error());
}

// Bytes free to this user on the filesystem that holds `dir`.
std::optional<qint64> freeBytes(const QString &dir)
{
    struct ::statvfs fs;
    if (::statvfs(QFile::encodeName(dir).constData(), &fs) != 0)
        return std::nullopt;
    return qint64(fs.f_bavail) * qint64(fs.f_frsize);
}

// A device, a FIFO or a socket is written as it is (cp SB:f /dev/null);
// anything else is a file to replace whole.
bool isSpecialFile(const QString &hostPath)
{
    struct ::stat st;
    return ::stat(QFile::encodeName(hostPath).constData(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

Error copyFailed(const QString &hostPath, const QString &why, qint64 copied, qint64 size, bool replacing)
{
    const QLocale c = QLocale::c();
    QString message = QStringLiteral("cannot write %1: %2 (copied %3%4)")
                          .arg(hostPath, why, c.formattedDataSize(copied),
                               size >= 0 ? QStringLiteral(" of ") + c.formattedDataSize(size) : QString());
    if (replacing)
        message += QStringLiteral("; %1 was left as it was").arg(hostPath);
    return Error { ErrorCode::Io, message };
}

int copyFromSandbox(CliContext &ctx, const QString &sb, const QString &path, QString hostPath)
{
    auto info = ctx.api.call("GET", filesPath(sb, "stat", path));
    if (!info)
        return reportError(info.error());
    // A symlink is read through (inside the sandbox); its size is the link's, not the file's.
    const QString type = info->value(QStringLiteral("type")).toString();
    if (type != QLatin1String("file") && type != QLatin1String("symlink"))
        return reportError(Error { ErrorCode::InvalidArgument, QStringLiteral("%1 is not a regular file in the sandbox").arg(path) });
    const qint64 size = type == QLatin1String("file") ? qint64(info->value(QStringLiteral("size")).toDouble()) : -1;
    if (QFileInfo(hostPath).isDir())
        hostPath += QLatin1Char('/') + QFileInfo(path).fileName();
    const bool special = isSpecialFile(hostPath);
    const std::optional<qint64> room = special ? std::nullopt : freeBytes(QFileInfo(hostPath).absolutePath());
    if (room && size > *room)
        return reportError(Error { ErrorCode::Io, QStringLiteral("%1 does not fit: %2 to copy, %3 free there")
                                                      .arg(hostPath, QLocale::c().formattedDataSize(size),
                                                           QLocale::c().formattedDataSize(*room)) });
    QFile direct(hostPath);
    QSaveFile whole(hostPath); // regular files: beside the target, renamed into place at commit
    QFileDevice &out = special ? static_cast<QFileDevice &>(direct) : whole;
    if (!out.open(QIODevice::WriteOnly))
        return reportError(Error { ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(hostPath, out.errorString()) });
    qint64 copied = 0;
    auto r = download(ctx, sb, path, [&](const QByteArray &bytes) -> Result<void> {
        if (out.write(bytes) != bytes.size())
            return tl::unexpected(copyFailed(hostPath, out.errorString(), copied, size, !special));
        copied += bytes.size();
        return {};
    });
    if (!r)
        return reportError(r.error());
    const bool done = special ? out.flush() : whole.commit();
    return done ? 0 : reportError(copyFailed(hostPath, out.errorString(), copied, size, !special));
}

} // namespace

int cpCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, {});
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usageError(QStringLiteral("usage: paddock cp SRC DST   (one of them SB:PATH)"));
    QString srcSb, srcPath, dstSb, dstPath;
    const bool fromSandbox = splitRemote(a.positional[0], srcSb, srcPath);
    const bool toSandbox = splitRemote(a.positional[1], dstSb, dstPath);
    if (toSandbox && !fromSandbox)
        return copyToSandbox(ctx, a.positional[0], dstSb, dstPath);
    if (fromSandbox && !toSandbox)
        return copyFromSandbox(ctx, srcSb, srcPath, a.positional[1]);
    return usageError(QStringLiteral("cp copies between the host and a sandbox: exactly one of SRC and DST is SB:PATH"));
}

} // namespace paddock::cli
