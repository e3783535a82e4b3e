// The log of a background process, read from the start, optionally
// followed until the process ends. Created by Engine::logs; deletes itself
// after finished().
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

namespace paddock {

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
