// Builds the sandbox from inside its new namespaces: the checklist that runs
// in PID 1 between fork and serving (see sandbox_setup.cpp).
#pragma once

#include "init_options.h"
#include "status.h"
#include "user_limits.h"

namespace paddock::init {

// Runs in the child that is PID 1 of the new pid namespace, after the user
// namespace is mapped. On success the process is chrooted (pivot_root) into
// the sandbox's root filesystem. `parentLimits`: the user limits of the
// namespace the sandbox was created in (user_limits.h).
Status buildSandbox(const InitOptions &opts, const ParentLimits &parentLimits);

} // namespace paddock::init
