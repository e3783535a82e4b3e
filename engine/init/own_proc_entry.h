// The files helper never serves its own /proc entries.
//
// The helper is a fork of PID 1: its memory holds PID 1's (the host paths
// it was started with, and once the engine's environment), and it may
// always read itself, dumpable or not. So /proc/self/{environ,mem,maps,
// pagemap,…}, /proc/thread-self/…, /proc/<its pid>/… and any symlink a
// workload makes to them are refused, by every verb. The check is made on
// the opened file, never on the path's text: the kernel says which
// filesystem the file is on and under which pid directory it lies, however
// the path was spelled.
#pragma once

#include <sys/types.h>

#include <string_view>

namespace paddock::init::files {

// Not an errno: what file_ops.h's functions return for a refused entry.
inline constexpr int kOwnProcEntry = 0x10000;

// 0 when `fd` may be served; kOwnProcEntry when it lies in this process's
// /proc/<pid> directory, or is on procfs and where cannot be told (refused:
// fail closed); an errno when the fd cannot be examined.
int checkNotOwnProcEntry(int fd);

// The same for the entry `name` of the directory `dirFd`, not following
// it: stat of /proc/<pid> and a listing of /proc describe the entry itself.
int checkNotOwnProcEntryAt(int dirFd, const char *name);

// Pure, for tests: whether `where` (the kernel's path of a procfs file, as
// readlink of /proc/self/fd/N gives it) lies in the directory of `pid`, or
// is not under /proc at all (then it cannot be told apart).
bool isOwnProcPath(std::string_view where, pid_t pid);

} // namespace paddock::init::files
