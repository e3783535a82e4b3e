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
    std::vector<sock_filter> reported; // which are refused by PID 1, who reports them
};

// Fails with the step that failed; a sandbox without a filter must not run
// anything.
Status compileSyscallFilter(SyscallFilter &out);

// Async-signal-safe. The caller must already have no_new_privs. Returns 0
// or the errno of the failed load.
//
// With `listener`, it receives the fd on which PID 1 answers the reported
// calls (close-on-exec: the caller passes it on before exec). Without, or
// once that fd is closed, the reported calls fail with ENOSYS: refused,
// only not reported (the files helper has nobody to report to).
int installSyscallFilter(const SyscallFilter &filter, int *listener = nullptr);

} // namespace paddock::init
