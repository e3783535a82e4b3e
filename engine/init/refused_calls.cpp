#include "refused_calls.h"

#include "process_lookup.h"
#include "syscall_policy.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace paddock::init {

RefusedCalls::RefusedCalls()
{
    for (const policy::ReportedCall &r : policy::reportedCalls())
        m_numbers.push_back(seccomp_syscall_resolve_name(r.syscall));
}

void RefusedCalls::watch(UniqueFd listener)
{
    if (listener.valid())
        m_listeners.push_back(std::move(listener));
}

void RefusedCalls::appendPollFds(std::vector<pollfd> &fds) const
{
    for (const UniqueFd &l : m_listeners)
        fds.push_back({ l.get(), POLLIN, 0 });
}

std::optional<wire::EgressRefusal> RefusedCalls::answer(size_t index, short revents)
{
    UniqueFd &listener = m_listeners[index];
    if (!(revents & POLLIN)) {
        if (revents & (POLLHUP | POLLERR | POLLNVAL))
            listener.reset(); // every process that used the filter has ended
        return std::nullopt;
    }
    seccomp_notif req;
    std::memset(&req, 0, sizeof req); // the kernel insists
    // RECV waits only while no call is queued, and poll() just said one
    // is: PID 1 holds the only copy of this listener, so no one else takes
    // it, and a caller killed meanwhile leaves the count up and RECV fails
    // with ENOENT instead of waiting. SEND never waits.
    if (::ioctl(listener.get(), SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
        return std::nullopt; // ENOENT: the caller died meanwhile
    wire::EgressRefusal out = describe(req);
    // Refused whatever it was: only calls of the report filter arrive here.
    // Answered last: until then the caller waits, so /proc still names it.
    seccomp_notif_resp resp {};
    resp.id = req.id;
    resp.error = -EPERM;
    (void)::ioctl(listener.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp);
    return out;
}

wire::EgressRefusal RefusedCalls::describe(const seccomp_notif &req) const
{
    wire::EgressRefusal out;
    out.protocol = "syscall";
    out.what = "system call " + std::to_string(req.data.nr);
    uint64_t args[6];
    std::copy(std::begin(req.data.args), std::end(req.data.args), args);
    const auto calls = policy::reportedCalls();
    for (size_t i = 0; i < calls.size(); ++i) {
        if (m_numbers[i] == req.data.nr && calls[i].matches(args)) {
            out.protocol = calls[i].protocol;
            out.what = calls[i].what;
            break;
        }
    }
    out.what += " refused: it would get around the egress interception";
    out.pid = int32_t(req.pid);
    out.process = describeProcess(pid_t(req.pid));
    return out;
}

void RefusedCalls::forgetEnded()
{
    std::erase_if(m_listeners, [](const UniqueFd &l) { return !l.valid(); });
}

} // namespace paddock::init
