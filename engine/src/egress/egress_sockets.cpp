#include "egress_sockets.h"

#include "paddock/fd_passing.h"
#include "paddock/wire/egress_messages.h"

#include <QDeadlineTimer>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <optional>
#include <vector>

namespace paddock::egress {

namespace {

Error ioError(const QString &what, int err = errno)
{
    return Error { ErrorCode::Io, QStringLiteral("egress sockets: %1: %2").arg(what, QString::fromLocal8Bit(std::strerror(err))),
                   QStringLiteral("fetch egress sockets"), err };
}

Result<UniqueFd> connectUnix(const QString &path)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    QByteArray p = path.toLocal8Bit();
    if (size_t(p.size()) >= sizeof addr.sun_path)
        return tl::unexpected(ioError(QStringLiteral("socket path too long"), ENAMETOOLONG));
    std::memcpy(addr.sun_path, p.constData(), size_t(p.size()));
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid())
        return tl::unexpected(ioError(QStringLiteral("socket")));
    if (::connect(fd.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return tl::unexpected(ioError(QStringLiteral("connect to ") + path));
    return fd;
}

// One read, keeping every descriptor that arrives; 0 when the peer closed.
Result<size_t> readSome(int fd, QDeadlineTimer deadline, wire::FrameParser &parser, std::vector<UniqueFd> &fds)
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
        bool truncated = false;
        ssize_t n = receiveWithFds(fd, buf, sizeof buf, fds, truncated);
        if (n < 0)
            return tl::unexpected(ioError(QStringLiteral("read")));
        if (truncated || fds.size() > wire::kEgressSocketCount)
            return tl::unexpected(ioError(QStringLiteral("too many descriptors"), EPROTO));
        parser.append(buf, size_t(n));
        return size_t(n);
    }
}

// Reads until the EgressSockets frame is whole (or the peer closes, or
// sends too much without it).
Result<std::optional<wire::EgressSockets>> readHandOver(int fd, QDeadlineTimer deadline, wire::FrameParser &parser,
                                                        std::vector<UniqueFd> &fds)
{
    size_t total = 0;
    for (;;) {
        auto n = readSome(fd, deadline, parser, fds);
        if (!n)
            return tl::unexpected(n.error());
        wire::Frame frame;
        wire::EgressSockets msg;
        while (parser.next(frame) == wire::FrameParser::Status::Ready)
            if (frame.type == wire::kEgressSocketsType && wire::decodeMessage(frame, msg))
                return msg;
        total += *n;
        if (*n == 0 || total > 4096)
            return std::nullopt;
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
    EgressSockets out;
    std::vector<UniqueFd> fds;
    auto handOver = readHandOver(conn->get(), deadline, out.reportsRead, fds);
    if (!handOver)
        return tl::unexpected(handOver.error());
    const std::optional<wire::EgressSockets> &msg = *handOver;
    if (!msg || msg->kinds.size() != fds.size())
        return tl::unexpected(Error { ErrorCode::Protocol,
                                      QStringLiteral("this sandbox's paddock-init predates egress interception: "
                                                     "restart the sandbox"),
                                      QStringLiteral("fetch egress sockets") });
    for (size_t i = 0; i < fds.size(); ++i) {
        switch (msg->kinds[i]) {
        case wire::EgressSocket::Tcp4: out.tcp4 = std::move(fds[i]); break;
        case wire::EgressSocket::Tcp6: out.tcp6 = std::move(fds[i]); break;
        case wire::EgressSocket::Dns: out.dns = std::move(fds[i]); break;
        case wire::EgressSocket::RedirectedDns: out.redirectedDns = std::move(fds[i]); break;
        }
    }
    if (!out.tcp4.valid() || !out.tcp6.valid() || !out.dns.valid() || !out.redirectedDns.valid())
        return tl::unexpected(Error { ErrorCode::Protocol, QStringLiteral("paddock-init handed over an incomplete set of egress sockets"),
                                      QStringLiteral("fetch egress sockets") });
    out.reports = std::move(*conn);
    return out;
}

} // namespace paddock::egress
