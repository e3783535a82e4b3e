#include "address_policy.h"

namespace paddock::egress {

namespace {

struct Range {
    const char *cidr;
    const char *why;
};

// Checked in order: the specific before the general.
constexpr Range kNonPublic[] = {
    { "169.254.169.254/32", "cloud metadata" },
    { "fd00:ec2::254/128", "cloud metadata" },
    { "0.0.0.0/8", "this-host (0.0.0.0/8)" },
    { "127.0.0.0/8", "loopback" },
    { "10.0.0.0/8", "private (10.0.0.0/8)" },
    { "172.16.0.0/12", "private (172.16.0.0/12)" },
    { "192.168.0.0/16", "private (192.168.0.0/16)" },
    { "100.64.0.0/10", "carrier-grade NAT (100.64.0.0/10)" },
    { "169.254.0.0/16", "link-local (169.254.0.0/16)" },
    { "192.0.0.0/24", "IETF protocol assignments (192.0.0.0/24)" },
    { "198.18.0.0/15", "benchmarking (198.18.0.0/15)" },
    { "224.0.0.0/4", "multicast" },
    { "240.0.0.0/4", "reserved (240.0.0.0/4)" },
    { "::/128", "unspecified" },
    { "::1/128", "loopback" },
    { "fc00::/7", "private (fc00::/7)" },
    { "fe80::/10", "link-local (fe80::/10)" },
    { "ff00::/8", "multicast" },
};

} // namespace

std::optional<QString> nonPublicReason(const QHostAddress &address)
{
    QHostAddress a = address;
    bool mapped = false;
    if (quint32 v4 = a.toIPv4Address(&mapped); mapped)
        a = QHostAddress(v4);
    for (const Range &r : kNonPublic)
        if (a.isInSubnet(QHostAddress::parseSubnet(QString::fromLatin1(r.cidr))))
            return QString::fromLatin1(r.why);
    return std::nullopt;
}

} // namespace paddock::egress
