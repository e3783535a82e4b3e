#include "user_limits.h"

#include "paddock/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
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

} // namespace paddock::init
