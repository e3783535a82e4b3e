#include "address_policy.h"

#include "embedded_ipv4.h"

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
    // RFC 8215: a NAT64 prefix for one network's own translators, which
    // may put the IPv4 address anywhere: all of it is local.
    { "64:ff9b:1::/48", "local-use NAT64 (64:ff9b:1::/48)" },
    { "fc00::/7", "private (fc00::/7)" },
    { "fe80::/10", "link-local (fe80::/10)" },
    { "ff00::/8", "multicast" },
};

std::optional<QString> rangeReason(const QHostAddress &a)
{
    for (const Range &r : kNonPublic)
        if (a.isInSubnet(QHostAddress::parseSubnet(QString::fromLatin1(r.cidr))))
            return QString::fromLatin1(r.why);
    return std::nullopt;
}

std::optional<QString> ownInterface(const QHostAddress &a, const QList<InterfaceAddress> &own)
{
    for (const InterfaceAddress &i : own)
        if (i.address.isEqual(a, QHostAddress::StrictConversion)) // mapped ones are IPv4 by now
            return i.interface;
    return std::nullopt;
}

} // namespace

std::optional<QString> nonPublicReason(const QHostAddress &address, const QList<InterfaceAddress> &own)
{
    QHostAddress a = address;
    a.setScopeId(QString());
    if (std::optional<quint32> v4 = ipv4Mapped(a))
        a = QHostAddress(*v4);
    const std::optional<QString> range = rangeReason(a);
    if (range && a.isLoopback())
        return range; // "loopback" says more than "this workstation's address (lo)"
    if (auto interface = ownInterface(a, own))
        return QStringLiteral("this workstation's address (%1)").arg(*interface);
    if (range)
        return range;
    for (const EmbeddedIpv4 &e : embeddedIpv4(a)) {
        const QHostAddress inner(e.address);
        if (auto why = nonPublicReason(inner, own))
            return QStringLiteral("%1 (%2 embedded in %3)").arg(*why, inner.toString(), QString::fromLatin1(e.how));
    }
    return std::nullopt;
}

std::optional<QString> nonPublicReason(const QHostAddress &address)
{
    auto own = workstationAddresses();
    if (!own)
        return own.error().message;
    return nonPublicReason(address, *own);
}

} // namespace paddock::egress
