#include "egress_listeners.h"

#include "paddock/fd_passing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <string>

namespace paddock::init {

namespace {

Status bindSocket(int type, int family, uint16_t port, const char *what, UniqueFd &out)
{
    out.reset(::socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!out.valid())
        return failure(std::string("create ") + what);
    int rc;
    if (family == AF_INET6) {
        int one = 1;
        ::setsockopt(out.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        sockaddr_in6 addr {};
        addr.sin6_family = AF_INET6;
        addr.sin6_port = htons(port);
        addr.sin6_addr = in6addr_loopback;
        rc = ::bind(out.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    } else {
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        rc = ::bind(out.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    }
    if (rc != 0)
        return failure(std::string("bind ") + what);
    if (type == SOCK_STREAM && ::listen(out.get(), SOMAXCONN) != 0)
        return failure(std::string("listen on ") + what);
    return success();
}

} // namespace

Status openEgressListeners(EgressListeners &out)
{
    using wire::EgressSocket;
    auto &s = out.sockets;
    s[0].kind = EgressSocket::Tcp4;
    s[1].kind = EgressSocket::Tcp6;
    s[2].kind = EgressSocket::Dns;
    s[3].kind = EgressSocket::RedirectedDns;
    PADDOCK_TRY(bindSocket(SOCK_STREAM, AF_INET, wire::kInterceptPort, "egress interception socket (IPv4)", s[0].fd));
    PADDOCK_TRY(bindSocket(SOCK_STREAM, AF_INET6, wire::kInterceptPort, "egress interception socket (IPv6)", s[1].fd));
    PADDOCK_TRY(bindSocket(SOCK_DGRAM, AF_INET, wire::kDnsPort, "DNS socket", s[2].fd));
    PADDOCK_TRY(bindSocket(SOCK_DGRAM, AF_INET, wire::kRedirectedDnsPort, "redirected DNS socket", s[3].fd));
    return success();
}

Status sendEgressListeners(int conn, const EgressListeners &listeners)
{
    wire::EgressSockets msg;
    int fds[wire::kEgressSocketCount];
    for (size_t i = 0; i < listeners.sockets.size(); ++i) {
        msg.kinds.push_back(listeners.sockets[i].kind);
        fds[i] = listeners.sockets[i].fd.get();
    }
    wire::Writer w;
    msg.encode(w);
    std::string frame = wire::encodeFrame(wire::kEgressSocketsType, 0, w.buffer());

    // A fresh connection's buffer is empty: the small frame goes in one call.
    if (!sendWithFds(conn, frame.data(), frame.size(), fds, listeners.sockets.size()))
        return failure("send egress sockets to the engine");
    return success();
}

} // namespace paddock::init
