#pragma once

#include "status.h"

namespace paddock::init {

// Installs the sandbox's nftables rules: every outbound TCP connection
// (IPv4 and IPv6) is redirected to the engine's interception port, UDP/53 to
// its DNS, and anything else that would leave loopback is dropped. Runs in
// PID 1 before any workload exists; workloads live in an inner user
// namespace without CAP_NET_ADMIN over this network namespace, so they can
// neither read nor change the rules.
Status installEgressFirewall();

// Sends a copy of each dropped packet to PID 1 (dropped_packets.h), so the
// egress log shows them. Optional: without it nothing is less confined.
Status installDropLogRule();

} // namespace paddock::init
