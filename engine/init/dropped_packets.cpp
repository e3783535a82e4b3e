#include "dropped_packets.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <iterator>

namespace paddock::init {

namespace {

uint16_t be16(const uint8_t *p) { return uint16_t(p[0] << 8 | p[1]); }

std::string addressText(int family, const uint8_t *bytes)
{
    char text[INET6_ADDRSTRLEN] = {};
    return ::inet_ntop(family, bytes, text, sizeof text) ? std::string(text) : std::string();
}

// What the transport header says, for the person reading the log.
void describeTransport(uint8_t proto, bool v6, const uint8_t *l4, size_t l4size, DroppedPacket &d)
{
    wire::EgressRefusal &r = d.report;
    d.v6 = v6;
    d.transport = proto;
    const bool hasPorts = proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP || proto == IPPROTO_DCCP
        || proto == IPPROTO_TCP;
    if (hasPorts && l4size >= 4) {
        d.sourcePort = be16(l4);
        r.port = be16(l4 + 2);
    }
    const std::string &to = r.address;
    const bool v6Text = to.find(':') != std::string::npos;
    const std::string where = r.port ? (v6Text ? "[" + to + "]" : to) + ":" + std::to_string(r.port) : to;
    switch (proto) {
    case IPPROTO_UDP: r.protocol = "udp"; r.what = "UDP to " + where; return;
    case IPPROTO_TCP: r.protocol = "tcp"; r.what = "TCP to " + where; return;
    case IPPROTO_SCTP: r.protocol = "sctp"; r.what = "SCTP to " + where; return;
    case IPPROTO_ICMP:
    case IPPROTO_ICMPV6: {
        r.protocol = v6 ? "icmpv6" : "icmp";
        const bool echo = l4size >= 1 && l4[0] == (v6 ? 128 : 8);
        r.what = std::string(echo ? "ping" : v6 ? "ICMPv6" : "ICMP") + " to " + to;
        return;
    }
    default:
        r.protocol = "ip";
        r.what = "IP protocol " + std::to_string(proto) + " to " + to;
    }
}

const nlattr *findAttribute(const uint8_t *attrs, size_t size, uint16_t type)
{
    size_t at = 0;
    while (at + sizeof(nlattr) <= size) {
        nlattr a;
        std::memcpy(&a, attrs + at, sizeof a);
        if (a.nla_len < sizeof(nlattr) || at + a.nla_len > size)
            return nullptr;
        if ((a.nla_type & NLA_TYPE_MASK) == type)
            return reinterpret_cast<const nlattr *>(attrs + at);
        at += NLA_ALIGN(a.nla_len);
    }
    return nullptr;
}

} // namespace

std::optional<DroppedPacket> describeDroppedPacket(const uint8_t *packet, size_t size)
{
    if (size < 1)
        return std::nullopt;
    DroppedPacket d;
    const int version = packet[0] >> 4;
    if (version == 4 && size >= 20) {
        const size_t headerLen = size_t(packet[0] & 0xf) * 4;
        if (headerLen < 20 || headerLen > size)
            return std::nullopt;
        d.report.address = addressText(AF_INET, packet + 16);
        describeTransport(packet[9], false, packet + headerLen, size - headerLen, d);
    } else if (version == 6 && size >= 40) {
        d.report.address = addressText(AF_INET6, packet + 24);
        describeTransport(packet[6], true, packet + 40, size - 40, d);
    } else {
        return std::nullopt;
    }
    d.report.what += " dropped: only TCP and DNS leave a sandbox, through the interception";
    return d;
}

std::vector<DroppedPacket> parseDropLogMessages(const uint8_t *data, size_t size)
{
    std::vector<DroppedPacket> out;
    size_t at = 0;
    while (at + sizeof(nlmsghdr) <= size) {
        nlmsghdr h;
        std::memcpy(&h, data + at, sizeof h);
        if (h.nlmsg_len < sizeof h || at + h.nlmsg_len > size)
            break;
        const size_t body = sizeof h + NLMSG_ALIGN(sizeof(nfgenmsg));
        if (h.nlmsg_type == (NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_PACKET) && h.nlmsg_len >= body) {
            const nlattr *payload = findAttribute(data + at + body, h.nlmsg_len - body, NFULA_PAYLOAD);
            if (payload) {
                const auto *bytes = reinterpret_cast<const uint8_t *>(payload) + NLA_HDRLEN;
                if (auto r = describeDroppedPacket(bytes, payload->nla_len - NLA_HDRLEN))
                    out.push_back(std::move(*r));
            }
        }
        at += NLMSG_ALIGN(h.nlmsg_len);
    }
    return out;
}

namespace {

// One configuration request; the kernel acknowledges it (NLM_F_ACK).
Status configure(int fd, const void *attr, uint16_t attrType, size_t attrLen, const char *step)
{
    alignas(nlmsghdr) uint8_t buf[64] = {};
    auto *h = reinterpret_cast<nlmsghdr *>(buf);
    auto *g = reinterpret_cast<nfgenmsg *>(buf + NLMSG_HDRLEN);
    auto *a = reinterpret_cast<nlattr *>(buf + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg)));
    a->nla_len = uint16_t(NLA_HDRLEN + attrLen);
    a->nla_type = attrType;
    std::memcpy(reinterpret_cast<uint8_t *>(a) + NLA_HDRLEN, attr, attrLen);
    h->nlmsg_len = uint32_t(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(nfgenmsg)) + NLA_ALIGN(a->nla_len));
    h->nlmsg_type = NFNL_SUBSYS_ULOG << 8 | NFULNL_MSG_CONFIG;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    g->nfgen_family = AF_UNSPEC;
    g->version = NFNETLINK_V0;
    g->res_id = htons(kDropLogGroup);
    if (::send(fd, buf, h->nlmsg_len, 0) != ssize_t(h->nlmsg_len))
        return failure(step);
    alignas(nlmsghdr) uint8_t ack[256];
    ssize_t n = ::recv(fd, ack, sizeof ack, 0);
    if (n < ssize_t(NLMSG_HDRLEN + sizeof(nlmsgerr)))
        return failure(step);
    auto *reply = reinterpret_cast<nlmsghdr *>(ack);
    auto *err = reinterpret_cast<nlmsgerr *>(ack + NLMSG_HDRLEN);
    if (reply->nlmsg_type == NLMSG_ERROR && err->error != 0)
        return failure(step, -err->error);
    return success();
}

} // namespace

Status openDropLog(UniqueFd &out)
{
    out.reset(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    if (!out.valid())
        return failure("open the drop log (netfilter socket)");
    sockaddr_nl self {};
    self.nl_family = AF_NETLINK;
    if (::bind(out.get(), reinterpret_cast<sockaddr *>(&self), sizeof self) != 0)
        return failure("bind the drop log socket");
    const nfulnl_msg_config_cmd bind { NFULNL_CFG_CMD_BIND };
    PADDOCK_TRY(configure(out.get(), &bind, NFULA_CFG_CMD, sizeof bind, "bind NFLOG group for dropped packets"));
    nfulnl_msg_config_mode mode {};
    mode.copy_range = htonl(kDropCopyBytes);
    mode.copy_mode = NFULNL_COPY_PACKET;
    PADDOCK_TRY(configure(out.get(), &mode, NFULA_CFG_MODE, sizeof mode, "set the drop log's copy mode"));
    // The kernel batches 100 packets or a second by default: each one now.
    const uint32_t one = htonl(1);
    PADDOCK_TRY(configure(out.get(), &one, NFULA_CFG_QTHRESH, sizeof one, "set the drop log's batch size"));
    int flags = ::fcntl(out.get(), F_GETFL);
    if (flags < 0 || ::fcntl(out.get(), F_SETFL, flags | O_NONBLOCK) != 0)
        return failure("make the drop log non-blocking");
    return success();
}

std::vector<DroppedPacket> readDropLog(int fd)
{
    std::vector<DroppedPacket> out;
    alignas(nlmsghdr) uint8_t buf[8192];
    for (int round = 0; round < 64; ++round) { // a flood yields to the rest of PID 1's work
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break; // EAGAIN; ENOBUFS (the kernel dropped log copies) is not worth more
        auto batch = parseDropLogMessages(buf, size_t(n));
        std::move(batch.begin(), batch.end(), std::back_inserter(out));
    }
    return out;
}

} // namespace paddock::init
