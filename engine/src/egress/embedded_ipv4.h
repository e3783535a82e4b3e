// IPv6 addresses that carry an IPv4 address a host, a gateway or a tunnel
// on the way may deliver to: NAT64, 6to4, Teredo, SIIT, ISATAP and the
// IPv4-compatible form. The address policy judges what they carry, so that
// 64:ff9b::7f00:1 is loopback as surely as 127.0.0.1 is.
#pragma once

#include <QHostAddress>
#include <QList>

#include <optional>

namespace paddock::egress {

struct EmbeddedIpv4 {
    quint32 address = 0; // host byte order
    const char *how = ""; // "NAT64 (64:ff9b::/96)", …
};

// The IPv4 address an IPv4-mapped IPv6 address (::ffff:0:0/96) is, read
// from its bits (Qt's own conversion also turns :: and the IPv4-compatible
// form into IPv4, which would hide what they are).
std::optional<quint32> ipv4Mapped(const QHostAddress &address);

// Every IPv4 address `address` embeds (Teredo embeds two), or none.
// IPv4-mapped addresses (::ffff:0:0/96) are not listed: they are IPv4
// addresses on the wire, and callers judge them as such.
QList<EmbeddedIpv4> embeddedIpv4(const QHostAddress &address);

} // namespace paddock::egress
