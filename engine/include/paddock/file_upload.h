// A file written into a sandbox piece by piece (Engine::openUpload), for
// content too large to hold in memory: bytes go to the sandbox as they are
// written, and the file appears (atomically, by rename) only at finish().
// Dropping the upload without finish() leaves the old file untouched.
#pragma once

#include "paddock/error.h"

#include <QObject>

#include <functional>

namespace paddock {

class FileUpload : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void write(const QByteArray &bytes) = 0;
    // Puts the content in place; `done` reports whether it worked. The
    // upload deletes itself after `done`.
    virtual void finish(std::function<void(Result<void>)> done) = 0;
    // Bytes accepted but not yet on their way to the sandbox: writers pause
    // above a bound and resume on drained().
    virtual qint64 pendingBytes() const = 0;

Q_SIGNALS:
    void drained();
};

} // namespace paddock
