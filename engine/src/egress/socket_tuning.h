// Options for the sockets the relay splices between: the intercepted
// client's and the upstream one.
#pragma once

namespace paddock::egress {

// Small writes (a request line, a TLS record) leave at once: the relay
// never holds bytes back waiting for more.
void tuneRelaySocket(int fd);

// For a connection over loopback, before connect(): an unpaced TCP
// congestion control. A paced one such as BBR (a common host default)
// spends timers pacing a hop with no network to pace for; measured here,
// it halves loopback throughput. Pacing is switched on when a connection is
// established and stays on whatever is chosen afterwards, hence "before".
// Inside a sandbox, paddock-init makes unpaced the namespace's default
// (engine/init/loopback.h).
//
// Best effort: without CAP_NET_ADMIN a program may pick only from the
// host's allowed list (net.ipv4.tcp_allowed_congestion_control), which
// always has reno.
void preferUnpacedTcp(int fd);

} // namespace paddock::egress
