// What the launcher applies to itself before the sandbox's PID 1 is
// forked, so that every process of the sandbox inherits it: the cgroups
// the engine made for the sandbox (metering/resource_control.h).
//
// The rootless mode's RLIMIT_DATA and the OOM killer's order are set per
// workload, in child_spawn.cpp, not here: PID 1 keeps the user's own OOM
// score, so when a sandbox's memory fills with pages no process holds
// (tmpfs), the kernel kills the workloads, not the PID 1 they need; and
// PID 1 stays unbounded, so a sanitizer build's shadow memory does not
// count against it.
#pragma once

#include "init_options.h"
#include "status.h"

namespace paddock::init {

// Fails (and the sandbox does not start) when a cgroup cannot be joined:
// limits that do not hold are refused, never silently dropped.
Status placeSandboxResources(const InitOptions &opts);

} // namespace paddock::init
