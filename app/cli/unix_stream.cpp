#include "unix_stream.h"

#include <QFile>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace paddock::cli {

UnixStream::UnixStream(UnixStream &&o) noexcept : m_fd(std::exchange(o.m_fd, -1)) { }

UnixStream::~UnixStream()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool UnixStream::connectTo(const QString &path)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    QByteArray p = QFile::encodeName(path);
    if (size_t(p.size()) >= sizeof addr.sun_path)
        return false;
    std::memcpy(addr.sun_path, p.constData(), size_t(p.size()) + 1);
    if (m_fd < 0)
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    return m_fd >= 0 && ::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
}

bool UnixStream::sendAll(const QByteArray &bytes)
{
    for (qsizetype at = 0; at < bytes.size();) {
        ssize_t n = ::send(m_fd, bytes.constData() + at, size_t(bytes.size() - at), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        at += n;
    }
    return true;
}

bool UnixStream::receive(QByteArray &into)
{
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(m_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        into.append(buf, n);
        return true;
    }
}

} // namespace paddock::cli
