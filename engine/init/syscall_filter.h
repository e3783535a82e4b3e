// Turns the syscall policy (syscall_policy.h) into seccomp BPF once, in
// PID 1, and installs it in each workload just before exec.
//
// Compiling with libseccomp allocates, which is unsafe between fork and
// exec; installing the finished programs is two system calls, which is not.
#pragma once

#include "status.h"

#include <linux/filter.h>

#include <vector>

namespace paddock::init {

struct SyscallFilter {
    std::vector<sock_filter> syscalls; // which calls exist (allowlist)
    std::vector<sock_filter> arguments; // which arguments of those are denied
};

// Fails with the step that failed; a sandbox without a filter must not run
// anything.
Status compileSyscallFilter(SyscallFilter &out);

// Async-signal-safe. The caller must already have no_new_privs. Returns 0
// or the errno of the failed load.
int installSyscallFilter(const SyscallFilter &filter);

} // namespace paddock::init
