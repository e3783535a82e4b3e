// What the launcher applies to itself before the sandbox's PID 1 is
// forked, so that every process of the sandbox inherits it: the cgroups
// the engine made for the sandbox (metering/resource_control.h) and first
// place in the OOM killer's line. (The rootless mode's RLIMIT_DATA is set
// per workload, in child_spawn.cpp: PID 1 itself stays unbounded, so a
// sanitizer build's shadow memory does not count against it.)
#pragma once

#include "init_options.h"
#include "status.h"

namespace paddock::init {

// 1000 is the most an unprivileged process may ask for: when memory runs
// out, the kernel kills sandbox processes before any of the user's own.
inline constexpr int kSandboxOomScoreAdj = 1000;

// Fails (and the sandbox does not start) when a cgroup cannot be joined:
// limits that do not hold are refused, never silently dropped.
Status placeSandboxResources(const InitOptions &opts);

} // namespace paddock::init
