// This workstation's own addresses: every address of every interface in
// the engine's network namespace, which is the host's. Services bound to
// 0.0.0.0 or :: answer on each of them as they do on loopback, so a
// sandbox must not reach them through an allowed name (DNS rebinding) or
// under `allow *`, whatever range they are in.
//
// Read with getifaddrs(3) and kept until rtnetlink reports a change of an
// address or a link: a change made before a check is always seen by it,
// and a check when nothing changed costs one recv(2). Where rtnetlink
// cannot be watched, the addresses are read afresh for every check.
//
// Thread-safe.
#pragma once

#include "paddock/error.h"

#include <QHostAddress>
#include <QList>

namespace paddock::egress {

struct InterfaceAddress {
    QHostAddress address; // without a scope ID
    QString interface; // "eth0"
};

Result<QList<InterfaceAddress>> workstationAddresses();

// Reads them now, without the cache.
Result<QList<InterfaceAddress>> readInterfaceAddresses();

} // namespace paddock::egress
