#include "workstation_addresses.h"

#include "paddock/unique_fd.h"

#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <mutex>

namespace paddock::egress {

namespace {

// Link changes too: an interface renamed or gone takes its addresses along.
constexpr unsigned kChangeGroups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;

UniqueFd watchChanges()
{
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE));
    sockaddr_nl sa {};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = kChangeGroups;
    if (fd.valid() && ::bind(fd.get(), reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0)
        fd.reset();
    return fd;
}

class Cache {
public:
    Result<QList<InterfaceAddress>> get()
    {
        std::lock_guard lock(m_mutex);
        if (!m_watch.valid() || changedSinceLastRead())
            m_fresh = false;
        if (!m_fresh) {
            auto read = readInterfaceAddresses();
            if (!read)
                return read; // stays stale: the next check reads again
            m_addresses = std::move(*read);
            m_fresh = true;
        }
        return m_addresses;
    }

private:
    // Drains what rtnetlink sent. An overrun (ENOBUFS) lost messages, and
    // any other error ends the watch: both count as a change.
    bool changedSinceLastRead()
    {
        bool changed = false;
        char buf[8192];
        for (;;) {
            const ssize_t n = ::recv(m_watch.get(), buf, sizeof buf, MSG_DONTWAIT);
            if (n >= 0 || errno == ENOBUFS || errno == EINTR) {
                changed = true;
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                m_watch.reset();
            return changed || !m_watch.valid();
        }
    }

    std::mutex m_mutex;
    UniqueFd m_watch = watchChanges(); // before the first read: no change can fall between
    bool m_fresh = false;
    QList<InterfaceAddress> m_addresses;
};

} // namespace

Result<QList<InterfaceAddress>> readInterfaceAddresses()
{
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot list this workstation's addresses: getifaddrs: %1")
                                       .arg(QString::fromLocal8Bit(std::strerror(errno))),
                    QStringLiteral("getifaddrs"), errno);
    std::unique_ptr<ifaddrs, decltype(&::freeifaddrs)> owned(list, ::freeifaddrs);
    QList<InterfaceAddress> out;
    for (const ifaddrs *i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
            continue;
        QHostAddress a(i->ifa_addr);
        a.setScopeId(QString());
        out.append({ a, QString::fromLocal8Bit(i->ifa_name) });
    }
    return out;
}

Result<QList<InterfaceAddress>> workstationAddresses()
{
    static Cache cache;
    return cache.get();
}

} // namespace paddock::egress
