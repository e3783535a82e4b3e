// What a sandbox is doing, at a glance (the Overview tab): its processes,
// the ports something in it listens on, the disk its own layer takes and
// its recent egress. Figures the sandbox controls (how many sockets, how
// many files) are bounded when they are gathered: past a bound a figure
// says "at least".
#pragma once

#include "paddock/sandbox.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace paddock {

// A TCP socket in LISTEN inside the sandbox's network namespace.
struct ListeningPort {
    QString address; // "0.0.0.0", "127.0.0.1", "::", "::1"…
    quint16 port = 0;
};

struct ListeningPorts {
    QList<ListeningPort> ports; // sorted by port, then address
    bool complete = true; // false: more sockets than were read; there may be others
    bool known = false; // false: not running, or the namespace's table could not be read
};

// Space taken by the sandbox's own layer (the overlay's upper directory:
// what it wrote, changed or deleted), as du(1) counts it: allocated
// blocks, each inode once.
struct DiskUsage {
    qint64 bytes = 0;
    qint64 entries = 0;
    bool complete = true; // false: the walk stopped at its bound; the figures are "more than"
    bool known = false;
    QDateTime measuredAt;
};

// Decisions of the egress log since `since`.
struct EgressCounts {
    QDateTime since;
    qint64 allowed = 0; // including the failed ones
    qint64 failed = 0; // allowed, but did not go through (EgressLogEntry::failure)
    qint64 denied = 0;
    qint64 waiting = 0; // questions waiting for an answer now
    int open = 0; // connections open now (relayed, gated, or waiting for an answer)
    qint64 heldBytes = 0; // what the engine holds in its queues for them now
};

struct SandboxVitals {
    SandboxInfo sandbox;
    int runningProcesses = 0; // background processes still running
    ListeningPorts listening;
    DiskUsage disk;
    EgressCounts egress;
};

} // namespace paddock
