#include "loopback.h"

#include "paddock/unique_fd.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace paddock::init {

Status bringUpLoopback()
{
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock.valid())
        return failure("socket for loopback setup");
    ifreq req {};
    std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0)
        return failure("read flags of lo");
    req.ifr_flags |= IFF_UP;
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0)
        return failure("bring up lo");
    return success();
}

void preferUnpacedTcp()
{
    // /proc/sys/net shows the network namespace of whoever opens it: ours.
    UniqueFd setting(::open("/proc/sys/net/ipv4/tcp_congestion_control", O_WRONLY | O_CLOEXEC));
    if (!setting.valid())
        return;
    for (const char *name : { "cubic", "reno" })
        if (::pwrite(setting.get(), name, std::strlen(name), 0) == ssize_t(std::strlen(name)))
            return;
}

} // namespace paddock::init
