// The log of a background process, read from the start, optionally
// followed until the process ends. Created by Engine::logs; deletes itself
// after finished().
//
// Flow control: a consumer that cannot keep up calls setPaused(true) and
// nothing more is read until setPaused(false) — a slow reader slows the
// reading instead of growing memory, and nothing is skipped.
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
    void finished();
    void resumed(); // for the reader behind the stream

private:
    bool m_paused = false;
};

} // namespace paddock
