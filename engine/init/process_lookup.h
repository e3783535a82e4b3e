// Which process in the sandbox is behind a refused call or a dropped
// packet, for the egress log. PID 1 reads its own /proc (the sandbox's pid
// and network namespaces), so pids are the ones the workload sees.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace paddock::init {

// "curl (pid 42)", as the engine names the process behind a connection.
std::string describeProcess(pid_t pid);

// The process holding the UDP socket bound to local `port` (IPv6 when
// `v6`), or 0: gone already, or the socket is shared and any holder would do.
// Scans /proc, looking at no more than a fixed number of entries (the
// workload decides how many there are); callers bound how often.
// Nothing here can block: /proc/<pid>/comm and fd links take no lock the
// process can hold (unlike cmdline or environ, which take its mm lock).
pid_t udpSocketOwner(bool v6, uint16_t port);

} // namespace paddock::init
