// The outer half of paddock-init: creates the namespaces, forks the process
// that becomes PID 1 of the sandbox, reports "pid N" or the failing step,
// and exits — leaving PID 1 detached from the engine that started it.
#pragma once

#include "init_options.h"

namespace paddock::init {

// Returns the launcher's exit status (0 when the sandbox is up). In the
// forked PID 1 it does not return until the sandbox shuts down.
int launch(const InitOptions &opts);

} // namespace paddock::init
