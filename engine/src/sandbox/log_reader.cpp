#include "log_reader.h"

#include "paddock/wire/messages.h"

#include <QFile>
#include <QTimer>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

namespace paddock::sandbox {

namespace {

constexpr qint64 kChunk = 64 * 1024;
constexpr int kChunksPerTurn = 16; // then yield to the event loop

// Opens a part; its start from its label, 0 for an unlabelled (older) log.
std::optional<std::pair<UniqueFd, qint64>> openPart(const QString &path)
{
    UniqueFd fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid())
        return std::nullopt;
    char label[32] = {};
    const ssize_t n = ::fgetxattr(fd.get(), wire::kLogStartAttribute, label, sizeof label - 1);
    qint64 start = 0;
    if (n > 0) {
        bool ok = false;
        start = QByteArray(label, int(n)).toLongLong(&ok);
        if (!ok || start < 0)
            return std::nullopt; // written by no paddock-init: not read
    } else if (errno != ENODATA) {
        return std::nullopt;
    }
    return std::make_pair(std::move(fd), start);
}

} // namespace

LogReader::LogReader(const QString &logsDir, const QString &procId, bool follow, LogStream *stream,
                     const LogRange &range)
    : QObject(stream)
    , m_current(logsDir + QLatin1Char('/') + QString::fromStdString(wire::logFileName(procId.toStdString())))
    , m_rotated(logsDir + QLatin1Char('/') + QString::fromStdString(wire::rotatedLogFileName(procId.toStdString())))
    , m_dir(logsDir)
    , m_range(range)
    , m_stream(stream)
    , m_follow(follow && !range.until)
{
    if (m_follow) {
        // The directory, for rotations; the current part, for what is appended to it.
        connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &LogReader::readAvailable);
        connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &LogReader::readAvailable);
        watch();
    }
    connect(stream, &LogStream::resumed, this, &LogReader::readAvailable);
    // Start on the next turn of the event loop, once the caller has connected.
    QTimer::singleShot(0, this, &LogReader::begin);
}

// Places the start from the parts there are now: the range's start, or
// its tail (no further back than the earliest byte still kept). A start
// before that reads as before: a dropped() for the gap, then what is kept.
void LogReader::begin()
{
    qint64 earliest = -1, end = 0;
    for (const QString &path : { m_rotated, m_current }) {
        auto opened = openPart(path);
        struct stat st {};
        if (!opened || ::fstat(opened->first.get(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        earliest = earliest < 0 ? opened->second : qMin(earliest, opened->second);
        end = qMax(end, opened->second + qint64(st.st_size));
    }
    earliest = qMax<qint64>(earliest, 0);
    if (m_range.tailBytes)
        m_position = qMax(end - qMax<qint64>(*m_range.tailBytes, 0), earliest);
    else
        m_position = qMax<qint64>(m_range.from, 0);
    if (m_range.until)
        m_position = qMin(m_position, *m_range.until);
    Q_EMIT m_stream->started(m_position, earliest);
    readAvailable();
}

void LogReader::processEnded()
{
    m_follow = false;
    QTimer::singleShot(0, this, &LogReader::readAvailable);
}

// A rotation replaces the current part's file: watch whichever is current now.
void LogReader::watch()
{
    if (!m_follow)
        return;
    if (!m_watcher.directories().contains(m_dir))
        m_watcher.addPath(m_dir);
    if (!m_watcher.files().contains(m_current) && QFile::exists(m_current))
        m_watcher.addPath(m_current);
}

void LogReader::readAvailable()
{
    if (m_done || m_stream->isPaused())
        return;
    watch();
    for (int i = 0; i < kChunksPerTurn; ++i) {
        if (!m_part.fd.valid() && !openNext()) {
            if (!m_follow)
                finish(); // everything was read and no more will come
            return;
        }
        qint64 want = kChunk;
        if (m_range.until) {
            want = qMin(want, *m_range.until - m_position);
            if (want <= 0)
                return finish(); // the end of the range
        }
        char buf[kChunk];
        const ssize_t n = ::read(m_part.fd.get(), buf, size_t(want));
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0) {
            m_position += n;
            Q_EMIT m_stream->data(QByteArray(buf, int(n)));
            if (m_stream->isPaused())
                return; // resumed() brings us back
            continue;
        }
        if (n < 0) // the part cannot be read: what it held is lost to this reader
            return finish();
        // The end of what the part holds now. The current part may grow;
        // one rotated away or dropped will not, once read to its end again
        // (paddock-init may have written to it just before it rotated).
        if (!m_part.sealed && isCurrent(m_part)) {
            if (!m_follow)
                finish();
            return;
        }
        if (m_part.sealed)
            m_part = Part {}; // read to its end: on to the next
        else
            m_part.sealed = true;
    }
    QTimer::singleShot(0, this, &LogReader::readAvailable); // more to read: let others run first
}

// Opens the part holding m_position, or else the first one after it: the
// bytes between were dropped, and the stream says how many.
bool LogReader::openNext()
{
    std::optional<Part> best;
    for (const QString &path : { m_rotated, m_current }) {
        auto opened = openPart(path);
        struct stat st {};
        if (!opened || ::fstat(opened->first.get(), &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        Part p;
        p.start = opened->second;
        p.size = qint64(st.st_size);
        p.device = st.st_dev;
        p.inode = st.st_ino;
        p.fd = std::move(opened->first);
        // Read already — unless it is the current part and starts just
        // here: held, it is read as it grows.
        const bool unread = p.start + p.size > m_position;
        const bool next = path == m_current && p.start == m_position;
        if ((unread || next) && (!best || p.start < best->start))
            best = std::move(p);
    }
    if (!best)
        return false;
    if (best->start > m_position) {
        const qint64 to = m_range.until ? qMin(best->start, *m_range.until) : best->start;
        Q_EMIT m_stream->dropped(to - m_position);
        m_position = to;
        if (to < best->start)
            return false; // the range ends inside the gap
    }
    if (::lseek(best->fd.get(), m_position - best->start, SEEK_SET) < 0)
        return false;
    m_part = std::move(*best);
    return true;
}

bool LogReader::isCurrent(const Part &part) const
{
    struct stat st {};
    return ::stat(QFile::encodeName(m_current).constData(), &st) == 0 && st.st_dev == part.device
        && st.st_ino == part.inode;
}

void LogReader::finish()
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT m_stream->finished();
    m_stream->deleteLater();
}

} // namespace paddock::sandbox
