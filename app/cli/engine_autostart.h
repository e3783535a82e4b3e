// Starts a headless engine for a data dir (`paddock serve`, detached,
// logging to the data dir's engine.log) when none answers on its socket.
// ApiClient calls it on a refused connection, so a running engine costs
// no extra round trip.
#pragma once

#include "paddock/data_paths.h"
#include "paddock/error.h"

namespace paddock::cli {

Result<void> ensureEngine(const DataPaths &paths);

// Whether an engine (starting, serving or still exiting) holds the data dir.
bool engineLockHeld(const DataPaths &paths);

} // namespace paddock::cli
