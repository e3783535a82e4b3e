#include "embedded_ipv4.h"

namespace paddock::egress {

namespace {

struct Embedding {
    const char *prefix; // where the IPv6 address must be
    const char *how;
    int at; // the IPv4 address's first byte
    bool inverted; // stored with every bit flipped
    bool isatapId; // the interface identifier must be ISATAP's
};

// Checked in order; an address may match several (Teredo's two parts).
constexpr Embedding kEmbeddings[] = {
    // RFC 6052: the well-known NAT64 prefix, IPv4 in the last 32 bits.
    { "64:ff9b::/96", "NAT64 (64:ff9b::/96)", 12, false, false },
    // RFC 6145/2765 SIIT: IPv4-translated ::ffff:0:a.b.c.d.
    { "::ffff:0:0:0/96", "IPv4-translated (::ffff:0:0:0/96)", 12, false, false },
    // RFC 4291 §2.5.5.1, deprecated, yet a sit tunnel still routes it.
    { "::/96", "IPv4-compatible (::/96)", 12, false, false },
    // RFC 3056: 2002:AABB:CCDD::/48 is the 6to4 site of AA.BB.CC.DD.
    { "2002::/16", "6to4 (2002::/16)", 2, false, false },
    // RFC 4380 §4: Teredo's server in bits 32–63, the client's public
    // address in the last 32 bits, obfuscated by flipping every bit.
    { "2001::/32", "Teredo server (2001::/32)", 4, false, false },
    { "2001::/32", "Teredo client (2001::/32)", 12, true, false },
    // RFC 5214: an ISATAP interface identifier (::0:5efe:a.b.c.d or
    // ::200:5efe:a.b.c.d) under any prefix.
    { "::/0", "ISATAP interface identifier", 12, false, true },
};

quint32 readIpv4(const Q_IPV6ADDR &raw, int at)
{
    return quint32(raw[at]) << 24 | quint32(raw[at + 1]) << 16 | quint32(raw[at + 2]) << 8 | quint32(raw[at + 3]);
}

bool hasIsatapId(const Q_IPV6ADDR &raw)
{
    return (raw[8] & ~0x02) == 0 && raw[9] == 0 && raw[10] == 0x5e && raw[11] == 0xfe;
}

} // namespace

std::optional<quint32> ipv4Mapped(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol)
        return std::nullopt;
    const Q_IPV6ADDR raw = address.toIPv6Address();
    for (int i = 0; i < 10; ++i)
        if (raw[i] != 0)
            return std::nullopt;
    if (raw[10] != 0xff || raw[11] != 0xff)
        return std::nullopt;
    return readIpv4(raw, 12);
}

QList<EmbeddedIpv4> embeddedIpv4(const QHostAddress &address)
{
    QList<EmbeddedIpv4> out;
    if (address.protocol() != QAbstractSocket::IPv6Protocol || ipv4Mapped(address))
        return out;
    const Q_IPV6ADDR raw = address.toIPv6Address();
    for (const Embedding &e : kEmbeddings) {
        if (!address.isInSubnet(QHostAddress::parseSubnet(QString::fromLatin1(e.prefix))))
            continue;
        if (e.isatapId && !hasIsatapId(raw))
            continue;
        const quint32 v4 = readIpv4(raw, e.at);
        out.append({ e.inverted ? ~v4 : v4, e.how });
    }
    return out;
}

} // namespace paddock::egress
