// What a workload process gives up before exec, so that "root" inside a
// sandbox holds no power over the sandbox itself:
//
// * an inner user namespace: the sandbox's mount, network, uts and ipc
//   namespaces belong to PID 1's (outer) user namespace, so nothing the
//   workload does can touch its mounts, routes, firewall or hostname;
// * no capabilities at all, now or after any exec (bounding, ambient,
//   inheritable sets empty; SECBIT_NOROOT so uid 0 gains none on exec);
// * no_new_privs, so setuid/setgid bits and file capabilities grant nothing.
//
// Runs in the forked child between fork and exec: async-signal-safe calls only.
#pragma once

namespace paddock::init {

// Returns 0, or the errno of the failed step (its name in *step).
int dropWorkloadPrivileges(const char **step);

} // namespace paddock::init
