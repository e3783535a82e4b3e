// Per-sandbox limits on what the kernel counts per user (ucounts): inotify
// instances and watches, fanotify groups and marks, namespaces.
//
// The kernel counts these per user, so without a limit of its own one
// sandbox can take all of them and break inotify for every other sandbox
// and for the user's desktop (128 instances by default). Each user
// namespace has its own /proc/sys/user limits, checked on top of its
// parent's (user_namespaces(7), "ucounts"): writing them in the sandbox's
// namespace bounds everything inside it — every workload and files helper
// lives in a namespace nested below — while the user's own limits still
// hold above. The workload cannot raise them: it has no CAP_SYS_RESOURCE
// and /proc/sys is read-only inside.
#pragma once

#include "status.h"

#include <array>
#include <cstdint>
#include <string>

namespace paddock::init {

struct UserLimit {
    const char *file; // under /proc/sys/user/
    const char *what; // for the failing step's name
    int64_t divisor; // a sandbox gets this fraction of its parent's limit…
    int64_t floor; // …but at least this (and never more than the parent's)
    bool required; // a kernel without it cannot bound the sandbox: refuse to start
};

// A sandbox gets an eighth of each, so one sandbox leaves seven eighths
// to the others and the desktop. Floors keep a small parent limit usable.
inline constexpr UserLimit kUserLimits[] = {
    // inotify: file watchers (editors, dev servers, the Files tab's helper).
    { "max_inotify_instances", "inotify instances", 8, 8, true },
    { "max_inotify_watches", "inotify watches", 8, 8192, true },
    // fanotify needs CAP_SYS_ADMIN or is refused by the syscall filter;
    // bounded all the same, should either ever change (kernel ≥ 5.13).
    { "max_fanotify_groups", "fanotify groups", 8, 8, false },
    { "max_fanotify_marks", "fanotify marks", 8, 8192, false },
    // Every exec and every files helper gets a user namespace of its own.
    { "max_user_namespaces", "user namespaces", 8, 1024, true },
    // The workload may create no other namespace (syscall filter); these
    // hold even if it could. PID 1's own are counted above the sandbox.
    { "max_mnt_namespaces", "mount namespaces", 8, 64, false },
    { "max_pid_namespaces", "pid namespaces", 8, 64, false },
    { "max_net_namespaces", "network namespaces", 8, 64, false },
    { "max_ipc_namespaces", "ipc namespaces", 8, 64, false },
    { "max_uts_namespaces", "uts namespaces", 8, 64, false },
    { "max_cgroup_namespaces", "cgroup namespaces", 8, 64, false },
    { "max_time_namespaces", "time namespaces", 8, 64, false },
};

inline constexpr size_t kUserLimitCount = std::size(kUserLimits);

// The limits of the namespace the sandbox is created in, one per row of
// kUserLimits; -1 where this kernel has no such file.
using ParentLimits = std::array<int64_t, kUserLimitCount>;

// Read before the sandbox's user namespace exists: inside it, the files
// show the sandbox's own.
ParentLimits readParentLimits();

// What a sandbox gets of a parent's `limit` under `rule`.
constexpr int64_t sandboxLimit(const UserLimit &rule, int64_t parent)
{
    const int64_t share = parent / rule.divisor;
    const int64_t wanted = share > rule.floor ? share : rule.floor;
    return wanted < parent ? wanted : parent;
}

// The set-up step: writes every limit through the sandbox's /proc (at
// `procDir`), from PID 1 in the sandbox's user namespace.
Status limitUserResources(const std::string &procDir, const ParentLimits &parent);

// Processes (and threads): RLIMIT_NPROC is counted per user namespace
// too (ucounts, Linux ≥ 5.14), against the limit of the process that forks
// and, one level up, the limit its namespace was created under. Set once
// PID 1's launcher is inside the sandbox's user namespace — so the user's
// own count stays checked against the user's own limit — it bounds every
// process of the sandbox, nested namespaces included, to an eighth of the
// user's limit or of the machine's PIDs, whichever is smaller: a fork bomb
// cannot take the PIDs another sandbox or the desktop needs. The workload
// cannot raise it (no CAP_SYS_RESOURCE outside). The kernel does not count
// root's processes: as root this holds nothing.
inline constexpr int64_t kProcessShareDivisor = 8;
inline constexpr int64_t kProcessShareFloor = 512;
Status limitProcesses();

} // namespace paddock::init
