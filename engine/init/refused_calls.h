// Answers the system calls that a workload's report filter hands to PID 1
// (syscall_policy.h, reportedCalls()): each is refused with EPERM and
// described for the engine's egress log, with the process that made it.
//
// One seccomp listener per workload started (each installs its own filter);
// a listener whose processes have all ended is closed.
#pragma once

#include "paddock/unique_fd.h"

#include "paddock/wire/egress_messages.h"

#include <linux/seccomp.h>
#include <poll.h>

#include <optional>
#include <vector>

namespace paddock::init {

class RefusedCalls {
public:
    RefusedCalls();

    void watch(UniqueFd listener);
    size_t size() const { return m_listeners.size(); }
    void appendPollFds(std::vector<pollfd> &fds) const;
    // Answers a call pending on listener `index`, given what poll() said.
    std::optional<wire::EgressRefusal> answer(size_t index, short revents);
    void forgetEnded(); // after a round of answer(): drops closed listeners

private:
    wire::EgressRefusal describe(const seccomp_notif &req) const;

    std::vector<UniqueFd> m_listeners;
    std::vector<int> m_numbers; // system call numbers of reportedCalls(), in order
};

} // namespace paddock::init
