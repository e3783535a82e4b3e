// Starts the files helper for one engine connection (see files_server.h).
#pragma once

#include "syscall_filter.h"
#include "paddock/unique_fd.h"

#include "paddock/wire/frame.h"

#include <sys/types.h>

#include <string>

namespace paddock::init {

// Forks a process that gives up a workload's privileges, installs the
// workload's syscall filter and serves files on `conn`. `pending` and
// `unsent` are what PID 1 had read and not yet written on it. Returns the
// helper's pid, or -1 with errno set.
pid_t startFilesHelper(UniqueFd conn, wire::FrameParser pending, const std::string &unsent,
                       const SyscallFilter &filter);

} // namespace paddock::init
