// The files helpers PID 1 has forked (files_helper.h), each watched for its
// engine hanging up.
//
// A helper runs as the workload does, so the workload can stop it
// (SIGSTOP): it then never reads the end of its connection and would stay
// forever. The engine gives up on a helper that does not answer in time
// and closes the connection; PID 1 holds a copy of it, sees the hang-up
// (POLLRDHUP), and kills a helper that has not exited kGraceMs later — a
// running one exits at once, after removing what an unfinished upload left.
//
// PID 1's copy is closed as soon as the engine hangs up or the helper is
// reaped, so the engine still sees a helper's end as the connection's.
#pragma once

#include "paddock/unique_fd.h"

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace paddock::init {

class FilesHelpers {
public:
    static constexpr int64_t kGraceMs = 5000;

    void add(pid_t pid, UniqueFd connection);
    // One entry per helper, in order; returns how many.
    size_t appendPollFds(std::vector<pollfd> &fds) const;
    // `fds`: the `count` entries appendPollFds() added to the last poll.
    void polled(const pollfd *fds, size_t count, int64_t nowMs);
    void killOverdue(int64_t nowMs);
    int msUntilDeadline(int64_t nowMs) const; // -1 for none
    // A child was reaped; true when it was a helper (now forgotten).
    bool reaped(pid_t pid);

private:
    struct Helper {
        pid_t pid = -1;
        UniqueFd connection; // PID 1's copy, until the engine hangs up
        int64_t hungUpAtMs = -1;
        bool killed = false;
    };
    std::vector<Helper> m_helpers;
};

} // namespace paddock::init
