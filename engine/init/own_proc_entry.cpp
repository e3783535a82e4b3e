#include "own_proc_entry.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <string>

namespace paddock::init::files {

bool isOwnProcPath(std::string_view where, pid_t pid)
{
    constexpr std::string_view kProc = "/proc";
    if (where.substr(0, kProc.size()) != kProc)
        return true; // procfs somewhere else: nothing to tell it by
    where.remove_prefix(kProc.size());
    if (where.empty())
        return false; // /proc itself
    if (where.front() != '/')
        return true; // "/procfoo": not the sandbox's /proc
    where.remove_prefix(1);
    // "123", "123/environ", "123 (deleted)": the digits name the process.
    // /proc/self and /proc/thread-self never appear here: the kernel gives
    // the directory they led to.
    const std::string own = std::to_string(pid);
    if (where.substr(0, own.size()) != own)
        return false;
    return where.size() == own.size() || where[own.size()] < '0' || where[own.size()] > '9';
}

int checkNotOwnProcEntry(int fd)
{
    struct statfs fs;
    if (::fstatfs(fd, &fs) != 0)
        return errno;
    if (fs.f_type != PROC_SUPER_MAGIC)
        return 0;
    char link[32];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    char where[PATH_MAX];
    const ssize_t n = ::readlink(link, where, sizeof where);
    if (n <= 0 || size_t(n) >= sizeof where)
        return kOwnProcEntry; // cannot tell where it is: refuse
    return isOwnProcPath(std::string_view(where, size_t(n)), ::getpid()) ? kOwnProcEntry : 0;
}

int checkNotOwnProcEntryAt(int dirFd, const char *name)
{
    struct statfs fs;
    if (::fstatfs(dirFd, &fs) != 0)
        return errno;
    if (fs.f_type != PROC_SUPER_MAGIC)
        return 0;
    const int fd = ::openat(dirFd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return errno;
    const int verdict = checkNotOwnProcEntry(fd);
    ::close(fd);
    return verdict;
}

} // namespace paddock::init::files
