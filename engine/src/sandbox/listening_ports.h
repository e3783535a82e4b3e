// The TCP ports something inside a sandbox listens on, read from the
// kernel's socket table of its network namespace (/proc/<pid>/net/tcp and
// tcp6 of any process in it, see proc(5)).
//
// The sandbox decides how many sockets the table holds: it is read up to a
// bound, and only so many ports are kept. The parser takes any bytes
// (tests feed it garbage) and keeps only well-formed LISTEN lines.
#pragma once

#include "paddock/sandbox_vitals.h"

#include <QByteArrayView>

namespace paddock::sandbox {

inline constexpr qint64 kMaxSocketTableBytes = 1024 * 1024; // per table, ~6,800 sockets
inline constexpr int kMaxListeningPorts = 256;

// Adds the LISTEN sockets of one table (`v6`: tcp6's 128-bit addresses) to
// `into`, at most kMaxListeningPorts in all, each address and port once.
void parseListeningSockets(QByteArrayView table, bool v6, ListeningPorts &into);

// Both tables of the namespace `pid` is in, without Paddock's own
// interception listener. Blocking file reads: call off the engine thread.
ListeningPorts readListeningPorts(qint64 pid);

} // namespace paddock::sandbox
