// The log of a background process, read from the start, optionally
// followed until the process ends. Created by Engine::logs; deletes itself
// after finished().
#pragma once

#include <QByteArray>
#include <QObject>

namespace paddock {

class LogStream : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    void data(const QByteArray &bytes);
    void finished();
};

} // namespace paddock
