// Which upstream addresses an allowed name may not lead to unless the user
// named them: loopback, this workstation's own addresses, private,
// link-local (cloud metadata lives there), and other non-public ranges —
// also when an IPv6 address carries one of them (NAT64, 6to4, Teredo…).
// Without this check a name the user allowed could be pointed by its DNS
// at the workstation itself (DNS rebinding), and `allow *` would reach
// services bound to 0.0.0.0 through the workstation's LAN address.
#pragma once

#include "workstation_addresses.h"

#include <QHostAddress>
#include <QString>

#include <optional>

namespace paddock::egress {

// Why `address` is not a public internet address ("loopback", "private
// (10.0.0.0/8)", "this workstation's address (eth0)", "loopback (127.0.0.1
// embedded in NAT64 (64:ff9b::/96))"), or nothing when it is. `own`: this
// workstation's interface addresses. IPv4-mapped IPv6 addresses are
// judged as the IPv4 address they are.
std::optional<QString> nonPublicReason(const QHostAddress &address, const QList<InterfaceAddress> &own);

// The same against the workstation's addresses as they are now. When they
// cannot be listed, no address can be judged public: the reason says why.
std::optional<QString> nonPublicReason(const QHostAddress &address);

} // namespace paddock::egress
