// Which upstream addresses an allowed name may not lead to unless the user
// named them: loopback, private, link-local (cloud metadata lives there),
// and other non-public ranges. Without this check a name the user allowed
// could be pointed by its DNS at the workstation itself (DNS rebinding).
#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace paddock::egress {

// Why `address` is not a public internet address ("loopback", "private
// (10.0.0.0/8)", "cloud metadata"), or nothing when it is. IPv4-mapped
// IPv6 addresses are judged as the IPv4 address they carry.
std::optional<QString> nonPublicReason(const QHostAddress &address);

} // namespace paddock::egress
