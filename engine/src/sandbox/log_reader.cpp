#include "log_reader.h"

#include <QTimer>

namespace paddock::sandbox {

namespace {
constexpr qint64 kChunk = 64 * 1024;
constexpr int kChunksPerTurn = 16; // then yield to the event loop
} // namespace

LogReader::LogReader(const QString &path, bool follow, LogStream *stream)
    : QObject(stream), m_file(path), m_stream(stream), m_follow(follow)
{
    m_file.open(QIODevice::ReadOnly); // a process that never wrote has no file yet: empty log
    if (follow) {
        m_watcher.addPath(path);
        connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &LogReader::readAvailable);
    }
    connect(stream, &LogStream::resumed, this, &LogReader::readAvailable);
    // Start on the next turn of the event loop, once the caller has connected.
    QTimer::singleShot(0, this, &LogReader::readAvailable);
}

void LogReader::processEnded()
{
    m_follow = false;
    QTimer::singleShot(0, this, &LogReader::readAvailable);
}

void LogReader::readAvailable()
{
    if (m_done || m_stream->isPaused())
        return;
    if (!m_file.isOpen() && !m_file.open(QIODevice::ReadOnly)) {
        if (!m_follow)
            finish();
        return;
    }
    for (int i = 0; i < kChunksPerTurn; ++i) {
        QByteArray chunk = m_file.read(kChunk);
        if (chunk.isEmpty()) {
            if (!m_follow)
                finish(); // everything was read and no more will come
            return;
        }
        Q_EMIT m_stream->data(chunk);
        if (m_stream->isPaused())
            return; // resumed() brings us back
    }
    QTimer::singleShot(0, this, &LogReader::readAvailable); // more to read: let others run first
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
