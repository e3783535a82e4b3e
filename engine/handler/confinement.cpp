#include "confinement.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace paddock::handler {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

QString failed(const char *step)
{
    return QStringLiteral("%1: %2").arg(
        QLatin1String(step), QString::fromLocal8Bit(std::strerror(errno)));
}

void closeInherited(int keepFd)
{
    if (keepFd < 3) {
        ::close_range(3, ~0U, 0);
        return;
    }
    if (keepFd > 3) ::close_range(3, unsigned(keepFd - 1), 0);
    ::close_range(unsigned(keepFd + 1), ~0U, 0);
}

bool writeFile(const char *path, const QByteArray &text)
{
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, text.constData(), size_t(text.size())) == text.size();
    ::close(fd);
    return ok;
}

// Its own namespaces, the same user inside, and a root of an empty,
// read-only tmpfs: nothing of the host's files is reachable from here.
QString isolate()
{
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC) != 0)
        return failed(
            "cannot make namespaces for handlers (Paddock needs unprivileged user namespaces; on "
            "Ubuntu see installers/apparmor/paddock)");
    if (!writeFile("/proc/self/setgroups", "deny")
        || !writeFile(
            "/proc/self/uid_map", QByteArray::number(uid) + ' ' + QByteArray::number(uid) + " 1")
        || !writeFile(
            "/proc/self/gid_map", QByteArray::number(gid) + ' ' + QByteArray::number(gid) + " 1"))
        return failed("cannot map the user into the handler's namespace");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return failed("cannot make mounts private");
    if (::mount("none", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=16k,mode=0755")
        != 0)
        return failed("cannot mount the handler's empty root");
    if (::mkdir("/tmp/old", 0700) != 0) return failed("cannot prepare the handler's root");
    if (::syscall(SYS_pivot_root, "/tmp", "/tmp/old") != 0)
        return failed("cannot enter the handler's root");
    if (::chdir("/") != 0 || ::umount2("/old", MNT_DETACH) != 0 || ::rmdir("/old") != 0)
        return failed("cannot leave the host's files behind");
    if (::mount(nullptr, "/", nullptr,
            MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr)
        != 0)
        return failed("cannot make the handler's root read-only");
    return {};
}

struct FilterDeleter {
    void operator()(void *ctx) const { seccomp_release(ctx); }
};

QString denyCalls()
{
    std::unique_ptr<void, FilterDeleter> ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) return QStringLiteral("cannot build a seccomp filter");
    for (const char *name :
        { "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4", "execve",
            "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "io_uring_setup",
            "io_uring_enter", "io_uring_register", "unshare", "setns", "mount", "umount2",
            "pivot_root", "chroot", "open_by_handle_at", "name_to_handle_at", "userfaultfd",
            "perf_event_open", "bpf", "keyctl", "add_key", "request_key", "pidfd_open",
            "pidfd_getfd", "process_madvise", "kexec_load", "init_module", "finit_module",
            "fanotify_init", "mknod", "mknodat", "move_mount", "open_tree", "fsopen", "fsmount" }) {
        const int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) continue; // not on this architecture
        if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), nr, 0); rc < 0)
            return QStringLiteral("seccomp rule for %1: %2")
                .arg(QLatin1String(name), QString::fromLocal8Bit(std::strerror(-rc)));
    }
    // Threads only: a clone that would make namespaces is refused, and
    // clone3 (whose flags a filter cannot read) says it does not exist, so
    // the C library falls back to clone.
    const int clone3 = seccomp_syscall_resolve_name("clone3");
    if (clone3 != __NR_SCMP_ERROR
        && seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), clone3, 0) < 0)
        return QStringLiteral("seccomp rule for clone3");
    for (const uint64_t flag : { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID,
             CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP })
        if (seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag))
            < 0)
            return QStringLiteral("seccomp rule for clone");
    if (int rc = seccomp_load(ctx.get()); rc < 0)
        return QStringLiteral("cannot load the seccomp filter: %1")
            .arg(QString::fromLocal8Bit(std::strerror(-rc)));
    return {};
}

} // namespace

QString confine(qint64 maxAddressSpace, int keepFd)
{
    closeInherited(keepFd);
    if (::chdir("/") != 0) return failed("cannot leave the engine's directory");
    if (QString problem = isolate(); !problem.isEmpty()) return problem;
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return failed("cannot set no_new_privs");
    if (!kSanitized) {
        const rlimit limit { rlim_t(maxAddressSpace), rlim_t(maxAddressSpace) };
        if (::setrlimit(RLIMIT_AS, &limit) != 0) return failed("cannot bound the address space");
    }
    const rlimit noCore { 0, 0 };
    ::setrlimit(RLIMIT_CORE, &noCore); // a crash must not write the secrets it held to disk
    return denyCalls();
}

} // namespace paddock::handler
