#include "cgroup_files.h"

#include "paddock/unique_fd.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace paddock::metering {

namespace {

QByteArray pathOf(const QString &dir, const char *file)
{
    return (dir + QLatin1Char('/') + QLatin1String(file)).toLocal8Bit();
}

} // namespace

QByteArray readCgroupFile(const QString &dir, const char *file)
{
    UniqueFd fd(::open(pathOf(dir, file).constData(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return {};
    QByteArray out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || out.size() > (1 << 20))
            return out;
        out.append(buf, n);
    }
}

std::optional<qint64> readCgroupNumber(const QString &dir, const char *file)
{
    const QByteArray text = readCgroupFile(dir, file).trimmed();
    bool ok = false;
    const qint64 value = text.split(' ').value(0).toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

std::optional<qint64> readCgroupKey(const QString &dir, const char *file, const QByteArray &key)
{
    for (const QByteArray &line : readCgroupFile(dir, file).split('\n')) {
        const QList<QByteArray> parts = line.split(' ');
        bool ok = false;
        if (parts.size() == 2 && parts[0] == key) {
            const qint64 value = parts[1].toLongLong(&ok);
            if (ok)
                return value;
        }
    }
    return std::nullopt;
}

Result<void> writeCgroupFile(const QString &dir, const char *file, const QByteArray &text)
{
    const QByteArray path = pathOf(dir, file);
    UniqueFd fd(::open(path.constData(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid() || ::write(fd.get(), text.constData(), size_t(text.size())) != text.size())
        return fail(ErrorCode::Io, QStringLiteral("cannot write '%1' to %2: %3")
                                       .arg(QString::fromUtf8(text), QString::fromLocal8Bit(path),
                                            QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

Result<void> makeCgroup(const QString &dir)
{
    const QByteArray path = dir.toLocal8Bit();
    if (::mkdir(path.constData(), 0755) != 0 && errno != EEXIST)
        return fail(ErrorCode::Io, QStringLiteral("cannot create cgroup %1: %2")
                                       .arg(dir, QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

bool removeCgroup(const QString &dir)
{
    return ::rmdir(dir.toLocal8Bit().constData()) == 0 || errno != EBUSY;
}

void sweepAbandonedCgroups(const QString &parent)
{
    const QDateTime old = QDateTime::currentDateTimeUtc().addSecs(-60);
    const QFileInfoList dirs = QDir(parent).entryInfoList({ QStringLiteral("sb-*") }, QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QFileInfo &dir : dirs)
        if (dir.birthTime().isValid() ? dir.birthTime() < old : dir.lastModified() < old)
            if (readCgroupFile(dir.filePath(), "cgroup.procs").trimmed().isEmpty())
                removeCgroup(dir.filePath());
}

} // namespace paddock::metering
