#include "resource_placement.h"

#include "paddock/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

namespace paddock::init {

namespace {

Status writeText(const std::string &path, const std::string &text, const std::string &step)
{
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid() || ::write(fd.get(), text.data(), text.size()) != ssize_t(text.size()))
        return failure(step);
    return success();
}

} // namespace

Status placeSandboxResources(const InitOptions &opts)
{
    const std::string self = std::to_string(::getpid());
    for (const std::string &dir : opts.cgroupDirs)
        PADDOCK_TRY(writeText(dir + "/cgroup.procs", self, "join cgroup " + dir));
    return success();
}

} // namespace paddock::init
