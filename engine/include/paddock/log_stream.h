// The log of a background process, read from the start (or from where a
// LogRange says), optionally followed until the process ends. Created by
// Engine::logs; deletes itself after finished().
//
// Flow control: a consumer that cannot keep up calls setPaused(true) and
// nothing more is read until setPaused(false) — a slow reader slows the
// reading instead of growing memory. Logs are capped and rotated by
// paddock-init, though: output dropped before the reader got to it (or
// that could not be written at all) is skipped, and dropped() says where
// and how much.
#pragma once

#include <QByteArray>
#include <QObject>

#include <optional>

namespace paddock {

// Which part of a log to read. Offsets count bytes of the process's output
// from its first byte, across rotations. A viewer opens at the tail and
// reads what came before on demand, instead of replaying a log of any size.
struct LogRange {
    qint64 from = 0; // the first byte to read
    // When set, start this many bytes before the end of what is written now
    // instead of at `from`: the tail.
    std::optional<qint64> tailBytes;
    // When set, stop before this byte and finish; the stream does not follow then.
    std::optional<qint64> until;
};

class LogStream : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    void setPaused(bool paused)
    {
        m_paused = paused;
        if (!paused)
            Q_EMIT resumed();
    }
    bool isPaused() const { return m_paused; }

Q_SIGNALS:
    // Once, before anything else: where this stream starts (a tail reaching
    // back before the earliest byte still kept starts there; a `from` before
    // it starts with a dropped() for the gap) and the earliest byte the log
    // still keeps.
    void started(qint64 offset, qint64 earliest);
    void data(const QByteArray &bytes);
    // `bytes` of output are missing here: rotated away or never written.
    void dropped(qint64 bytes);
    void finished();
    void resumed(); // for the reader behind the stream

private:
    bool m_paused = false;
};

// What a person reading the log is told at a dropped(): a line of its own.
inline QByteArray droppedNotice(qint64 bytes)
{
    return QByteArrayLiteral("[paddock: ") + QByteArray::number(bytes)
        + QByteArrayLiteral(" bytes of output dropped here: the log is capped and rotated, "
                            "or could not be written]\n");
}

} // namespace paddock
