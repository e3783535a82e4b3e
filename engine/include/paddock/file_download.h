// A file read out of a sandbox as a stream (Engine::openDownload), with
// flow control: a consumer that cannot keep up pauses, and the sandbox's
// side waits instead of the engine holding the file in memory. Each
// download has a files helper of its own, so a stalled reader holds up
// nobody else. The caller deletes it after finished() or failed().
#pragma once

#include "paddock/error.h"

#include <QObject>

namespace paddock {

class FileDownload : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void setPaused(bool paused) = 0;

Q_SIGNALS:
    void data(const QByteArray &bytes);
    void finished(qint64 size);
    void failed(const paddock::Error &error);
};

} // namespace paddock
