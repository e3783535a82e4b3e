// Starts one workload process inside the sandbox, without ever waiting for
// it: PID 1 forks, and the child tells it through a report channel how far
// it got. PID 1 polls that channel with everything else.
//
// Why not wait: between fork and exec the child is the workload's to
// signal (same uid). A workload that stops it there (SIGSTOP, or a file
// lease on the program that holds exec in open()) would otherwise stop
// PID 1 with it, and with PID 1 every later exec and file call.
#pragma once

#include "syscall_filter.h"
#include "paddock/unique_fd.h"

#include <sys/types.h>

#include <cstdint>
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
    uint64_t dataLimit = 0; // RLIMIT_DATA in bytes (the rootless memory limit); 0: none
};

// One child on its way from fork to exec. The child gets its own session
// (so a kill reaches its whole process group) and default signal
// dispositions; a failure before exec is reported through the channel, so
// "not found" and "not executable" are told apart from a program that
// exits 127.
class ChildSpawn {
public:
    enum class State { Pending, Started, Failed };

    // fork. On failure state() is Failed at once, with error() and message().
    explicit ChildSpawn(const SpawnRequest &req);

    pid_t pid() const { return m_pid; }
    int channel() const { return m_channel.get(); } // poll for POLLIN: a report or exec
    State state() const { return m_state; }
    int error() const { return m_error; }
    const std::string &message() const { return m_message; }

    // Reads what the child has reported so far; never blocks. Started once
    // the channel closed at exec with the syscall filter's listener passed.
    State readReports();
    // Gives up on a child that did not exec in time: SIGKILL, Failed with
    // `why`. PID 1 reaps it later with every other child.
    void abandon(int error, std::string why);
    // PID 1 reaped it: its pid may name another process from now on.
    void markReaped() { m_reaped = true; }
    // The seccomp listener of the workload's reported calls (refused_calls.h).
    UniqueFd takeRefusals() { return std::move(m_refusals); }

private:
    void start(const SpawnRequest &req);
    void fail(int error, std::string message);

    pid_t m_pid = -1;
    UniqueFd m_channel;
    UniqueFd m_refusals;
    State m_state = State::Pending;
    bool m_reaped = false;
    int m_error = 0;
    std::string m_message;
    std::string m_command; // argv[0] and cwd, for messages
    std::string m_cwd;
};

} // namespace paddock::init
