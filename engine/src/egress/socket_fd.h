// Owns a socket (or pipe) descriptor; closes it exactly once.
#pragma once

#include <unistd.h>

#include <utility>

namespace paddock::egress {

class SocketFd {
public:
    SocketFd() = default;
    explicit SocketFd(int fd) : m_fd(fd) { }
    SocketFd(SocketFd &&o) noexcept : m_fd(std::exchange(o.m_fd, -1)) { }
    SocketFd &operator=(SocketFd &&o) noexcept
    {
        if (this != &o)
            reset(std::exchange(o.m_fd, -1));
        return *this;
    }
    SocketFd(const SocketFd &) = delete;
    SocketFd &operator=(const SocketFd &) = delete;
    ~SocketFd() { reset(); }

    int get() const { return m_fd; }
    bool valid() const { return m_fd >= 0; }
    int release() { return std::exchange(m_fd, -1); }
    void reset(int fd = -1)
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = fd;
    }

private:
    int m_fd = -1;
};

} // namespace paddock::egress
