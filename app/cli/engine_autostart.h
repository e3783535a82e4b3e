// Finds the engine serving a data dir, or starts a headless one
// (`paddock serve`, detached, logging to the data dir's engine.log).
#pragma once

#include "paddock/data_paths.h"
#include "paddock/error.h"

namespace paddock::cli {

Result<void> ensureEngine(const DataPaths &paths);

} // namespace paddock::cli
