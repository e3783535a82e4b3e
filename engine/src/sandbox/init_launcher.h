// Starts paddock-init for a sandbox and waits until it reports the sandbox
// built (or the step that failed).
#pragma once

#include "host_base_image.h"

#include "paddock/error.h"

#include <QStringList>

namespace paddock::sandbox {

struct LaunchRequest {
    QString sandboxId;
    QString hostname;
    QString socketPath;
    QString stateDir;
    BaseImage image;
    QString trustLayer; // see trust_layer.h
    QStringList cgroupDirs; // joined before PID 1 forks (metering/resource_control.h)
    qint64 workloadDataLimit = 0; // RLIMIT_DATA of every workload; 0: none
};

// Returns the host pid of the sandbox's PID 1. Blocks the calling thread for
// as long as the set-up takes (a few milliseconds).
Result<qint64> launchInit(const LaunchRequest &req);

// The paddock-init binary: $PADDOCK_INIT_BIN, else beside this executable,
// else in ../lib/paddock/.
QString initBinary();

} // namespace paddock::sandbox
