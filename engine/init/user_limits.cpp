#include "user_limits.h"

#include "paddock/unique_fd.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdlib>

namespace paddock::init {

namespace {

int64_t readLimit(const std::string &path)
{
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    char buf[32] = {};
    if (!fd.valid() || ::read(fd.get(), buf, sizeof buf - 1) <= 0)
        return -1;
    char *end = nullptr;
    errno = 0;
    const long long value = std::strtoll(buf, &end, 10);
    return errno == 0 && end != buf && value >= 0 ? int64_t(value) : -1;
}

bool writeLimit(const std::string &path, int64_t value)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    const std::string text = std::to_string(value);
    return fd.valid() && ::write(fd.get(), text.data(), text.size()) == ssize_t(text.size());
}

// An eighth of the fewest processes the user, the PIDs or the threads allow.
int64_t sandboxProcessLimit(int64_t userLimit, int64_t pidMax, int64_t threadsMax)
{
    int64_t machine = userLimit;
    for (int64_t other : { pidMax, threadsMax })
        if (other > 0 && (machine < 0 || other < machine))
            machine = other;
    if (machine < 0)
        return -1;
    const int64_t share = machine / kProcessShareDivisor;
    return std::min(machine, std::max(share, kProcessShareFloor));
}

} // namespace

ParentLimits readParentLimits()
{
    ParentLimits out {};
    for (size_t i = 0; i < kUserLimitCount; ++i)
        out[i] = readLimit(std::string("/proc/sys/user/") + kUserLimits[i].file);
    return out;
}

Status limitUserResources(const std::string &procDir, const ParentLimits &parent)
{
    for (size_t i = 0; i < kUserLimitCount; ++i) {
        const UserLimit &rule = kUserLimits[i];
        const std::string path = procDir + "/sys/user/" + rule.file;
        const std::string step
            = std::string("limit the sandbox's ") + rule.what + " (/proc/sys/user/" + rule.file + ")";
        if (parent[i] < 0) {
            if (rule.required)
                return failure(step + ": this kernel has no such limit", ENOENT);
            continue;
        }
        const int64_t limit = sandboxLimit(rule, parent[i]);
        // Read back: a limit that did not hold must not pass for one.
        if (!writeLimit(path, limit))
            return failure(step);
        if (readLimit(path) != limit)
            return failure(step + ": the limit did not hold", EIO);
    }
    return success();
}

Status limitProcesses()
{
    rlimit current {};
    if (::getrlimit(RLIMIT_NPROC, &current) != 0)
        return failure("read the process limit (RLIMIT_NPROC)");
    const int64_t user = current.rlim_cur == RLIM_INFINITY ? -1 : int64_t(current.rlim_cur);
    const int64_t limit = sandboxProcessLimit(user, readLimit("/proc/sys/kernel/pid_max"),
                                              readLimit("/proc/sys/kernel/threads-max"));
    if (limit < 0)
        return success(); // nothing says how many there are: nothing to share
    const rlimit share { rlim_t(limit), rlim_t(limit) };
    if (::setrlimit(RLIMIT_NPROC, &share) != 0)
        return failure("limit the sandbox's processes to " + std::to_string(limit) + " (RLIMIT_NPROC)");
    return success();
}

} // namespace paddock::init
