#include "workload_privileges.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace paddock::init {

namespace {

bool writeFile(const char *path, const char *text)
{
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    size_t len = std::strlen(text);
    bool ok = ::write(fd, text, len) == ssize_t(len);
    ::close(fd);
    return ok;
}

int lastCapability()
{
    int last = CAP_LAST_CAP;
    int fd = ::open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) { // a newer kernel may know more capabilities than these headers
        char buf[16] = {};
        if (::read(fd, buf, sizeof buf - 1) > 0)
            last = ::atoi(buf);
        ::close(fd);
    }
    return last;
}

} // namespace

int dropWorkloadPrivileges(const char **step)
{
    *step = "create the workload's user namespace";
    if (::unshare(CLONE_NEWUSER) != 0)
        return errno;
    // Same uid inside as outside (0 ↔ 0): files keep their owner.
    *step = "map the workload's user namespace";
    if (!writeFile("/proc/self/setgroups", "deny") || !writeFile("/proc/self/uid_map", "0 0 1")
        || !writeFile("/proc/self/gid_map", "0 0 1"))
        return errno;
    *step = "drop the capability bounding set";
    for (int cap = 0; cap <= lastCapability(); ++cap)
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
            return errno;
    *step = "clear ambient capabilities";
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0)
        return errno;
    *step = "lock root out of capabilities (securebits)";
    if (::prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP
                    | SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_NO_CAP_AMBIENT_RAISE
                    | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED | SECBIT_KEEP_CAPS_LOCKED,
                0, 0, 0) != 0)
        return errno;
    *step = "clear capabilities";
    __user_cap_header_struct header { _LINUX_CAPABILITY_VERSION_3, 0 };
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3] = {};
    if (::syscall(SYS_capset, &header, none) != 0)
        return errno;
    *step = "set no_new_privs";
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return errno;
    *step = nullptr;
    return 0;
}

} // namespace paddock::init
