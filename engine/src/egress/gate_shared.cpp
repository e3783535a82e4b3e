#include "gate_shared.h"

#include <sys/socket.h>

#include <cerrno>
#include <memory>

namespace paddock::egress {

bool writeSome(int fd, ByteQueue &pending)
{
    while (!pending.empty()) {
        const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) return errno == EAGAIN;
        pending.consume(size_t(n));
    }
    return true;
}

bool readSome(int fd, std::string &into)
{
    constexpr size_t kReadSize = 256 * 1024, kReadPerWake = 1024 * 1024;
    thread_local const std::unique_ptr<char[]> buf(
        new char[kReadSize]); // too big for the engine thread's stack
    for (size_t got = 0; got < kReadPerWake;) {
        const ssize_t n = ::recv(fd, buf.get(), kReadSize, MSG_DONTWAIT);
        if (n < 0) return errno == EAGAIN;
        if (n == 0) return false;
        into.append(buf.get(), size_t(n));
        got += size_t(n);
        if (size_t(n) < kReadSize) break; // drained: the next recv would say EAGAIN
    }
    return true;
}

GateConnection gateConnection(const Destination &dest, bool tls)
{
    const bool literal = dest.host.isEmpty();
    return GateConnection { (literal ? dest.address.toString() : dest.host).toStdString(), literal,
        dest.port, quint16(tls ? 443 : 80) };
}

std::vector<Injection> plainInjections(const EgressInjections &inject)
{
    std::vector<Injection> out;
    for (const EgressInjection &i : inject)
        out.push_back({ i.kind == EgressInjection::Kind::Query, i.name.toStdString(),
            i.value.toStdString() });
    return out;
}

std::string refusalBody(const QString &reason)
{
    return "Paddock egress: " + reason.toStdString() + "\n";
}

const char *refusalKind(unsigned status)
{
    return status >= 500 ? "upstream-failed" : "denied";
}

} // namespace paddock::egress
