#include "egress_sockets.h"

#include "paddock/wire/egress_messages.h"

#include <QDeadlineTimer>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <vector>

namespace paddock::egress {

namespace {

Error ioError(const QString &what, int err = errno)
{
    return Error { ErrorCode::Io, QStringLiteral("egress sockets: %1: %2").arg(what, QString::fromLocal8Bit(std::strerror(err))),
                   QStringLiteral("fetch egress sockets"), err };
}

Result<SocketFd> connectUnix(const QString &path)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    QByteArray p = path.toLocal8Bit();
    if (size_t(p.size()) >= sizeof addr.sun_path)
        return tl::unexpected(ioError(QStringLiteral("socket path too long"), ENAMETOOLONG));
    std::memcpy(addr.sun_path, p.constData(), size_t(p.size()));
    SocketFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid())
        return tl::unexpected(ioError(QStringLiteral("socket")));
    if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return tl::unexpected(ioError(QStringLiteral("connect to ") + path));
    return fd;
}

// Reads until the peer closes, keeping every descriptor that arrives.
Result<void> readAll(int fd, QDeadlineTimer deadline, std::string &bytes, std::vector<SocketFd> &fds)
{
    for (;;) {
        pollfd p { fd, POLLIN, 0 };
        int ready = ::poll(&p, 1, int(deadline.remainingTime()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            return tl::unexpected(Error { ErrorCode::Timeout, QStringLiteral("egress sockets: paddock-init did not answer"),
                                          QStringLiteral("fetch egress sockets") });
        char buf[512];
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * wire::kEgressSocketCount)];
        iovec iov { buf, sizeof buf };
        msghdr mh {};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control;
        mh.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return tl::unexpected(ioError(QStringLiteral("read")));
        for (cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
                continue;
            size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int passed;
                std::memcpy(&passed, CMSG_DATA(cm) + i * sizeof(int), sizeof passed);
                fds.emplace_back(passed);
            }
        }
        if (mh.msg_flags & MSG_CTRUNC)
            return tl::unexpected(ioError(QStringLiteral("too many descriptors"), EPROTO));
        if (n == 0)
            return {};
        bytes.append(buf, size_t(n));
        if (bytes.size() > 4096)
            return tl::unexpected(ioError(QStringLiteral("answer too long"), EPROTO));
    }
}

} // namespace

Result<EgressSockets> fetchEgressSockets(const QString &initSocket, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    auto conn = connectUnix(initSocket);
    if (!conn)
        return tl::unexpected(conn.error());
    std::string hello = wire::encodeMessage(wire::Type::Hello, 0, wire::Hello { wire::kProtocolVersion, wire::kEgressRole });
    if (::send(conn->get(), hello.data(), hello.size(), MSG_NOSIGNAL) != ssize_t(hello.size()))
        return tl::unexpected(ioError(QStringLiteral("send hello")));
    std::string bytes;
    std::vector<SocketFd> fds;
    if (auto r = readAll(conn->get(), deadline, bytes, fds); !r)
        return tl::unexpected(r.error());

    wire::FrameParser parser;
    parser.append(bytes.data(), bytes.size());
    wire::Frame frame;
    wire::EgressSockets msg;
    bool found = false;
    while (parser.next(frame) == wire::FrameParser::Status::Ready)
        if (frame.type == wire::kEgressSocketsType && wire::decodeMessage(frame, msg))
            found = true;
    if (!found || msg.kinds.size() != fds.size())
        return tl::unexpected(Error { ErrorCode::Protocol,
                                      QStringLiteral("this sandbox's paddock-init predates egress interception: "
                                                     "restart the sandbox"),
                                      QStringLiteral("fetch egress sockets") });
    EgressSockets out;
    for (size_t i = 0; i < fds.size(); ++i) {
        switch (msg.kinds[i]) {
        case wire::EgressSocket::Tcp4: out.tcp4 = std::move(fds[i]); break;
        case wire::EgressSocket::Tcp6: out.tcp6 = std::move(fds[i]); break;
        case wire::EgressSocket::Dns: out.dns = std::move(fds[i]); break;
        case wire::EgressSocket::RedirectedDns: out.redirectedDns = std::move(fds[i]); break;
        }
    }
    if (!out.tcp4.valid() || !out.tcp6.valid() || !out.dns.valid() || !out.redirectedDns.valid())
        return tl::unexpected(Error { ErrorCode::Protocol, QStringLiteral("paddock-init handed over an incomplete set of egress sockets"),
                                      QStringLiteral("fetch egress sockets") });
    return out;
}

} // namespace paddock::egress
