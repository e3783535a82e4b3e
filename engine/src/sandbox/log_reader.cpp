#include "log_reader.h"

#include <QTimer>

namespace paddock::sandbox {

namespace {
constexpr qint64 kChunk = 64 * 1024;
}

LogReader::LogReader(const QString &path, bool follow, LogStream *stream)
    : QObject(stream), m_file(path), m_stream(stream), m_follow(follow)
{
    m_file.open(QIODevice::ReadOnly); // a process that never wrote has no file yet: empty log
    if (follow) {
        m_watcher.addPath(path);
        connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &LogReader::readAvailable);
    }
    // Start on the next turn of the event loop, once the caller has connected.
    QTimer::singleShot(0, this, [this] {
        readAvailable();
        if (!m_follow)
            finish();
    });
}

void LogReader::processEnded()
{
    m_follow = false;
    QTimer::singleShot(0, this, [this] {
        readAvailable();
        finish();
    });
}

void LogReader::readAvailable()
{
    if (!m_file.isOpen() && !m_file.open(QIODevice::ReadOnly))
        return;
    for (;;) {
        QByteArray chunk = m_file.read(kChunk);
        if (chunk.isEmpty())
            return;
        Q_EMIT m_stream->data(chunk);
    }
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
