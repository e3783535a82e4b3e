// The desktop app hosts the engine itself. When a headless engine already
// serves the data dir, it is asked to exit (its sandboxes keep running) and
// the app opens the data dir after it.
#pragma once

#include "paddock/data_paths.h"
#include "paddock/error.h"

namespace paddock::desktop {

Result<void> stopHeadlessEngine(const DataPaths &paths);

} // namespace paddock::desktop
