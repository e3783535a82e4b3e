#include "socket_tuning.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <initializer_list>

namespace paddock::egress {

void tuneRelaySocket(int fd)
{
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void preferUnpacedTcp(int fd)
{
    for (const char *name : { "cubic", "reno" })
        if (::setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, socklen_t(std::strlen(name))) == 0)
            return;
}

} // namespace paddock::egress
