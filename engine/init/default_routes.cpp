#include "default_routes.h"

#include "paddock/unique_fd.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstring>
#include <string>

namespace paddock::init {

namespace {

struct RouteRequest {
    nlmsghdr header;
    rtmsg route;
    rtattr oifAttr;
    int oif;
    rtattr srcAttr;
    unsigned char src[16]; // 4 used for IPv4
};

// The kernel answers a request sent with NLM_F_ACK with an NLMSG_ERROR
// whose error is 0 on success or a negative errno.
Status readAck(int sock, const char *what)
{
    char buf[512];
    ssize_t n = ::recv(sock, buf, sizeof buf, 0);
    if (n < ssize_t(NLMSG_LENGTH(sizeof(nlmsgerr))))
        return failure(std::string("read answer to ") + what, n < 0 ? errno : EPROTO);
    auto *h = reinterpret_cast<nlmsghdr *>(buf);
    if (h->nlmsg_type != NLMSG_ERROR)
        return failure(std::string("unexpected answer to ") + what, EPROTO);
    auto *err = static_cast<nlmsgerr *>(NLMSG_DATA(h));
    if (err->error != 0)
        return failure(what, -err->error);
    return success();
}

Status addDefaultRoute(int sock, unsigned char family, int loIndex)
{
    const char *what = family == AF_INET ? "add IPv4 default route via lo" : "add IPv6 default route via lo";
    RouteRequest req {};
    const size_t srcLen = family == AF_INET ? 4 : 16;
    req.header.nlmsg_len = uint32_t(offsetof(RouteRequest, src) + srcLen);
    req.header.nlmsg_type = RTM_NEWROUTE;
    req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    req.header.nlmsg_seq = 1;
    req.route.rtm_family = family;
    req.route.rtm_table = RT_TABLE_MAIN;
    req.route.rtm_protocol = RTPROT_BOOT;
    req.route.rtm_scope = family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE; // as `ip route add default dev lo`
    req.route.rtm_type = RTN_UNICAST;
    req.oifAttr.rta_type = RTA_OIF;
    req.oifAttr.rta_len = RTA_LENGTH(sizeof(int));
    req.oif = loIndex;
    // The source is loopback's own address: without it the kernel picks
    // 0.0.0.0, and the engine's answer to the redirected SYN goes nowhere.
    req.srcAttr.rta_type = RTA_PREFSRC;
    req.srcAttr.rta_len = RTA_LENGTH(srcLen);
    if (family == AF_INET) {
        const unsigned char v4[4] = { 127, 0, 0, 1 };
        std::memcpy(req.src, v4, 4);
    } else {
        req.src[15] = 1; // ::1
    }
    if (::send(sock, &req, req.header.nlmsg_len, 0) != ssize_t(req.header.nlmsg_len))
        return failure(what);
    return readAck(sock, what);
}

} // namespace

Status routeEverythingToLoopback()
{
    unsigned loIndex = ::if_nametoindex("lo");
    if (loIndex == 0)
        return failure("find lo");
    UniqueFd sock(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!sock.valid())
        return failure("open route netlink socket");
    PADDOCK_TRY(addDefaultRoute(sock.get(), AF_INET, int(loIndex)));
    PADDOCK_TRY(addDefaultRoute(sock.get(), AF_INET6, int(loIndex)));
    return success();
}

} // namespace paddock::init
