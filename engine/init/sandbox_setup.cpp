#include "sandbox_setup.h"

#include "default_routes.h"
#include "egress_firewall.h"
#include "loopback.h"
#include "mount_table.h"
#include "paddock/unique_fd.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

namespace paddock::init {

namespace {

Status makePrivate()
{
    // Nothing mounted here may propagate back to the host's mount namespace.
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return failure("make mounts private");
    return success();
}

// Every process inside reads the overlay's options in /proc/self/mountinfo,
// and host paths there name the user's home, data and cache dirs. So each
// layer is opened first and named by /proc/self/fd/N: an ordinary path to
// the kernel (a magic link it follows, as on every kernel with overlayfs),
// and all that mountinfo shows. The fds close once the mount holds the
// directories; the names "lowerdir=/proc/self/fd/5" then mean nothing.
Status layerName(const std::string &dir, const char *what, std::vector<UniqueFd> &held, std::string &name)
{
    UniqueFd fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid())
        return failure(std::string("mount overlay on ") + what + ": open layer " + dir);
    name = "/proc/self/fd/" + std::to_string(fd.get());
    held.push_back(std::move(fd));
    return success();
}

Status mountOverlay(std::initializer_list<std::string> lowers, const std::string &upper,
                    const std::string &work, const std::string &target, const char *what)
{
    std::vector<UniqueFd> held;
    std::string lowerNames, upperName, workName, name;
    for (const std::string &lower : lowers) {
        PADDOCK_TRY(layerName(lower, what, held, name));
        lowerNames += (lowerNames.empty() ? "" : ":") + name; // the first is the uppermost
    }
    PADDOCK_TRY(layerName(upper, what, held, upperName));
    PADDOCK_TRY(layerName(work, what, held, workName));
    // userxattr: overlay keeps its metadata in user.* xattrs, which an
    // unprivileged user namespace may write (trusted.* needs init-ns root).
    std::string data = "lowerdir=" + lowerNames + ",upperdir=" + upperName + ",workdir=" + workName + ",userxattr";
    if (::mount("overlay", target.c_str(), "overlay", 0, data.c_str()) != 0)
        return failure(std::string("mount overlay on ") + what);
    return success();
}

// `tmpfsBytes` (the rootless memory limit; 0: none) bounds each tmpfs
// without a size of its own: their pages belong to no process, so
// RLIMIT_DATA does not see them. (A cgroup charges them to the sandbox.)
Status mountKernelFilesystems(const std::string &root, uint64_t tmpfsBytes)
{
    for (const KernelMount &m : kKernelMounts) {
        std::string target = root + "/" + m.target;
        ::mkdir(target.c_str(), 0755); // dev/shm and dev/pts live on the fresh /dev tmpfs
        std::string data = m.data ? m.data : "";
        if (tmpfsBytes > 0 && std::strcmp(m.fstype, "tmpfs") == 0 && data.find("size=") == std::string::npos)
            data += ",size=" + std::to_string(tmpfsBytes);
        if (::mount(m.fstype, target.c_str(), m.fstype, m.flags, m.data ? data.c_str() : nullptr) != 0)
            return failure(std::string("mount ") + m.fstype + " on /" + m.target);
    }
    return success();
}

Status bindDevices(const std::string &root)
{
    for (const char *dev : kDevices) {
        std::string target = root + "/dev/" + dev;
        UniqueFd placeholder(::open(target.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
        if (!placeholder.valid())
            return failure(std::string("create /dev/") + dev);
        std::string source = std::string("/dev/") + dev;
        if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0)
            return failure(std::string("bind ") + source);
    }
    for (const DevLink &link : kDevLinks) {
        std::string path = root + "/dev/" + link.name;
        if (::symlink(link.target, path.c_str()) != 0)
            return failure(std::string("symlink /dev/") + link.name);
    }
    return success();
}

Status maskKernelInterfaces(const std::string &root)
{
    for (const char *path : kMaskedPaths) {
        std::string target = root + "/" + path;
        struct stat st {};
        if (::lstat(target.c_str(), &st) != 0)
            continue; // not in this kernel
        int rc = S_ISDIR(st.st_mode)
            ? ::mount("tmpfs", target.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0")
            : ::mount("/dev/null", target.c_str(), nullptr, MS_BIND, nullptr);
        if (rc != 0)
            return failure(std::string("mask /") + path);
    }
    for (const char *path : kReadOnlyPaths) {
        std::string target = root + "/" + path;
        struct stat st {};
        if (::lstat(target.c_str(), &st) != 0)
            continue;
        if (::mount(target.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0
            || ::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
            return failure(std::string("make /") + path + " read-only");
    }
    return success();
}

Status setHostname(const std::string &name)
{
    if (::sethostname(name.data(), name.size()) != 0)
        return failure("set hostname");
    return success();
}

Status enterRoot(const std::string &root)
{
    // pivot_root(".", ".") stacks the old root under the new one; detaching
    // it leaves nothing of the host reachable (see pivot_root(2), NOTES).
    if (::chdir(root.c_str()) != 0)
        return failure("chdir to new root");
    if (::syscall(SYS_pivot_root, ".", ".") != 0)
        return failure("pivot_root");
    if (::umount2(".", MNT_DETACH) != 0)
        return failure("detach old root");
    if (::chdir("/") != 0)
        return failure("chdir /");
    return success();
}

} // namespace

Status buildSandbox(const InitOptions &opts, const ParentLimits &parentLimits)
{
    const std::string root = opts.rootfs();
    PADDOCK_TRY(makePrivate());
    PADDOCK_TRY(mountOverlay({ opts.trustDir, opts.baseDir }, opts.upper("root"), opts.work("root"), root, "/"));
    PADDOCK_TRY(mountOverlay({ opts.usrSkeletonDir, "/usr" }, opts.upper("usr"), opts.work("usr"), root + "/usr", "/usr"));
    PADDOCK_TRY(mountKernelFilesystems(root, opts.dataLimit));
    PADDOCK_TRY(limitUserResources(root + "/proc", parentLimits)); // before /proc/sys turns read-only
    PADDOCK_TRY(bindDevices(root));
    PADDOCK_TRY(maskKernelInterfaces(root));
    PADDOCK_TRY(setHostname(opts.hostname));
    PADDOCK_TRY(bringUpLoopback());
    preferUnpacedTcp();
    PADDOCK_TRY(routeEverythingToLoopback());
    PADDOCK_TRY(installEgressFirewall());
    PADDOCK_TRY(enterRoot(root));
    return success();
}

} // namespace paddock::init
