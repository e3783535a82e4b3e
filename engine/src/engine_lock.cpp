#include "engine_lock.h"

#include <QFile>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <utility>

namespace paddock {

Result<EngineLock> EngineLock::acquire(const QString &path)
{
    int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot open %1: %2").arg(path, qt_error_string(errno)));
    EngineLock lock(fd);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = {};
        (void)!::pread(fd, holder, sizeof holder - 1, 0);
        return fail(ErrorCode::Conflict,
                    QStringLiteral("another Paddock engine (pid %1) is serving this data dir")
                        .arg(QString::fromLatin1(holder).trimmed()));
    }
    QByteArray pid = QByteArray::number(::getpid()) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.constData(), size_t(pid.size()), 0) < 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot write %1").arg(path));
    return lock;
}

EngineLock::EngineLock(EngineLock &&o) noexcept : m_fd(std::exchange(o.m_fd, -1)) { }

EngineLock::~EngineLock()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

} // namespace paddock
