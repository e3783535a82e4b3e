// Starts one workload process inside the sandbox.
#pragma once

#include "syscall_filter.h"
#include "paddock/unique_fd.h"

#include <sys/types.h>

#include <string>
#include <vector>

namespace paddock::init {

struct SpawnRequest {
    std::vector<std::string> argv;
    std::vector<std::string> env;
    std::string cwd;
    int stdinFd = -1;
    int stdoutFd = -1;
    int stderrFd = -1;
    bool controllingTerminal = false; // stdin is a pty slave: make it the session's terminal
    const SyscallFilter *syscallFilter = nullptr; // required: no filter, no workload
};

struct SpawnResult {
    pid_t pid = -1; // > 0 on success
    int error = 0; // errno of the failed step
    std::string message; // what failed, for the user
    UniqueFd refusals; // the seccomp listener of its reported calls (refused_calls.h)
};

// fork + exec. The child gets its own session (so a kill reaches its whole
// process group) and default signal dispositions; a failure before exec is
// reported back through a close-on-exec socket, so "not found" and "not
// executable" are told apart from a program that exits 127.
SpawnResult spawnChild(const SpawnRequest &req);

} // namespace paddock::init
