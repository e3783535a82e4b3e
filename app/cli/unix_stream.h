// A blocking unix stream socket: all the CLI needs to talk to the engine
// (no QtNetwork, which costs ~1.7 ms of start-up in library loading).
#pragma once

#include <QByteArray>
#include <QString>

namespace paddock::cli {

class UnixStream {
public:
    UnixStream() = default;
    UnixStream(UnixStream &&o) noexcept;
    UnixStream(const UnixStream &) = delete;
    ~UnixStream();

    // Connects; false when nothing listens (or the path is unusable).
    bool connectTo(const QString &path);
    int fd() const { return m_fd; }
    bool sendAll(const QByteArray &bytes);
    // Appends what arrives to `into`; returns false at end of stream or error.
    bool receive(QByteArray &into);

private:
    int m_fd = -1;
};

} // namespace paddock::cli
