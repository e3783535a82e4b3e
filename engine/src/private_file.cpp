#include "private_file.h"

#include "paddock/unique_fd.h"

#include <QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace paddock::detail {

namespace {

tl::unexpected<Error> ioFailure(const QString &what, int err)
{
    return fail(ErrorCode::Io,
        QStringLiteral("%1: %2").arg(what, QString::fromUtf8(std::strerror(err))), what, err);
}

} // namespace

Result<QByteArray> readOwnFile(const QString &path, qint64 maxBytes, bool secret)
{
    const QByteArray name = QFile::encodeName(path);
    UniqueFd fd(
        ::open(name.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) return ioFailure(QStringLiteral("open %1").arg(path), errno);
    struct stat st { };
    if (::fstat(fd.get(), &st) != 0) return ioFailure(QStringLiteral("stat %1").arg(path), errno);
    if (!S_ISREG(st.st_mode))
        return fail(
            ErrorCode::PermissionDenied, QStringLiteral("%1 is not a regular file").arg(path));
    if (st.st_uid != ::getuid())
        return fail(ErrorCode::PermissionDenied,
            QStringLiteral("%1 belongs to uid %2, not to this user").arg(path).arg(st.st_uid));
    if (secret && (st.st_mode & 077) != 0)
        return fail(ErrorCode::PermissionDenied,
            QStringLiteral("%1 is readable by others (mode %2)")
                .arg(path)
                .arg(st.st_mode & 07777, 4, 8, QLatin1Char('0')));
    if (st.st_size > maxBytes)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("%1 is larger than %2 bytes").arg(path).arg(maxBytes));
    QByteArray bytes(qsizetype(st.st_size), Qt::Uninitialized);
    qsizetype got = 0;
    while (got < bytes.size()) {
        const ssize_t n = ::read(fd.get(), bytes.data() + got, size_t(bytes.size() - got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ioFailure(QStringLiteral("read %1").arg(path), errno);
        if (n == 0) break; // shrank while we read: what is there is all there is
        got += n;
    }
    bytes.truncate(got);
    return bytes;
}

Result<void> writeFileAtomically(const QString &path, const QByteArray &bytes, mode_t mode)
{
    const QString temp = path + QStringLiteral(".new-%1").arg(::getpid());
    const QByteArray tempName = QFile::encodeName(temp);
    ::unlink(tempName.constData()); // a crashed write's leftover
    UniqueFd fd(
        ::open(tempName.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd.valid()) return ioFailure(QStringLiteral("create %1").arg(temp), errno);
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n
            = ::write(fd.get(), bytes.constData() + written, size_t(bytes.size() - written));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::unlink(tempName.constData());
            return ioFailure(QStringLiteral("write %1").arg(temp), err);
        }
        written += n;
    }
    if (::fchmod(fd.get(), mode) != 0 || ::fsync(fd.get()) != 0) { // fchmod: the umask narrowed it
        const int err = errno;
        ::unlink(tempName.constData());
        return ioFailure(QStringLiteral("sync %1").arg(temp), err);
    }
    if (::rename(tempName.constData(), QFile::encodeName(path).constData()) != 0) {
        const int err = errno;
        ::unlink(tempName.constData());
        return ioFailure(QStringLiteral("rename %1 to %2").arg(temp, path), err);
    }
    UniqueFd dir(::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(),
        O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.valid()) ::fsync(dir.get()); // the rename itself survives a crash
    return {};
}

} // namespace paddock::detail
