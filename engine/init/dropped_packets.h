// The packets the sandbox's firewall drops (anything but loopback, TCP to
// the interception and DNS), as the kernel copies them to PID 1 through
// NFLOG (egress_firewall.cpp logs them to kDropLogGroup).
//
// Parsing is separate from the socket so it can be tested and fuzzed: the
// packets are the workload's, the framing is the kernel's.
#pragma once

#include "status.h"
#include "paddock/unique_fd.h"

#include "paddock/wire/egress_messages.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paddock::init {

inline constexpr uint16_t kDropLogGroup = 7;
// Bytes copied of each dropped packet: an IPv6 header and a port or an
// ICMP type are all that is read.
inline constexpr uint32_t kDropCopyBytes = 64;

struct DroppedPacket {
    wire::EgressRefusal report; // without the process: see process_lookup.h
    bool v6 = false;
    uint8_t transport = 0; // IPPROTO_*
    uint16_t sourcePort = 0; // 0 when it has none
};

// One IP packet (IPv4 or IPv6, from its first header byte), described for
// the egress log; nothing for what is not an IP packet.
std::optional<DroppedPacket> describeDroppedPacket(const uint8_t *packet, size_t size);

// Every packet in one read from the NFLOG socket (netlink messages).
std::vector<DroppedPacket> parseDropLogMessages(const uint8_t *data, size_t size);

// The drop log as PID 1 runs it: its socket, or why there is none.
struct DropLog {
    UniqueFd fd;
    std::string problem;
};

// Binds kDropLogGroup in the sandbox's network namespace. PID 1 only: it
// needs CAP_NET_ADMIN there.
Status openDropLog(UniqueFd &out);

// Everything waiting on the socket (non-blocking).
std::vector<DroppedPacket> readDropLog(int fd);

} // namespace paddock::init
