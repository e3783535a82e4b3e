#include "loopback.h"

#include "unique_fd.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

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

} // namespace paddock::init
