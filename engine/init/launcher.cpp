#include "launcher.h"

#include "dropped_packets.h"
#include "egress_firewall.h"
#include "egress_listeners.h"
#include "init_server.h"
#include "resource_placement.h"
#include "sandbox_setup.h"
#include "syscall_filter.h"
#include "paddock/unique_fd.h"

#include <fcntl.h>
#include <sched.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace paddock::init {

namespace {

Status writeFile(const char *path, const std::string &text)
{
    UniqueFd fd(::open(path, O_WRONLY | O_CLOEXEC));
    if (!fd.valid() || ::write(fd.get(), text.data(), text.size()) != ssize_t(text.size()))
        return failure(std::string("write ") + path);
    return success();
}

Status listenOn(const std::string &path, UniqueFd &out)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path))
        return failure("control socket path too long", ENAMETOOLONG);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    out.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!out.valid())
        return failure("create control socket");
    ::unlink(path.c_str()); // a stale socket of a previous, dead init
    if (::bind(out.get(), reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) != 0)
        return failure("bind control socket " + path);
    if (::listen(out.get(), 16) != 0)
        return failure("listen on control socket");
    return success();
}

// Maps uid/gid 0 inside to the invoking user outside — the only mapping an
// unprivileged process may write for itself (user_namespaces(7)).
Status enterUserNamespace(uid_t uid, gid_t gid)
{
    if (::unshare(CLONE_NEWUSER) != 0)
        return failure("create user namespace");
    PADDOCK_TRY(writeFile("/proc/self/setgroups", "deny"));
    PADDOCK_TRY(writeFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1"));
    PADDOCK_TRY(writeFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"));
    return success();
}

Status enterOtherNamespaces()
{
    constexpr int kFlags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC
        | CLONE_NEWCGROUP;
    if (::unshare(kFlags) != 0)
        return failure("create mount/pid/net/uts/ipc/cgroup namespaces");
    return success();
}

Status detachStdio()
{
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null.valid())
        return failure("open /dev/null");
    for (int fd = 0; fd <= 2; ++fd)
        if (::dup2(null.get(), fd) < 0)
            return failure("redirect stdio");
    return success();
}

// Best effort: a kernel without NFLOG confines the sandbox just the same,
// and the engine's log says that drops go unseen.
DropLog startDropLog()
{
    DropLog log;
    Status s = installDropLogRule();
    if (s.ok())
        s = openDropLog(log.fd);
    if (!s.ok())
        log.problem = "dropped packets are not logged in this sandbox: " + s.describe();
    return log;
}

// PID 1 opens the control socket itself: the kernel then names it as the
// socket's owner (SO_PEERCRED), so an engine that re-attaches after a
// restart learns PID 1's pid from the kernel — not a launcher step's that
// has exited and whose pid may be anyone's by now.
[[noreturn]] void runPid1(const InitOptions &opts, const ParentLimits &limits, UniqueFd logs, UniqueFd ready)
{
    UniqueFd listener;
    Status s = listenOn(opts.socketPath, listener); // before the root changes: the path is the host's
    if (s.ok())
        s = buildSandbox(opts, limits);
    SyscallFilter filter;
    EgressListeners egress;
    if (s.ok())
        s = compileSyscallFilter(filter);
    if (s.ok())
        s = openEgressListeners(egress);
    DropLog dropLog = s.ok() ? startDropLog() : DropLog {};
    if (s.ok())
        s = detachStdio();
    // Non-dumpable: the workload (same uid) cannot read PID 1's memory or fds.
    if (s.ok() && ::prctl(PR_SET_DUMPABLE, 0) != 0)
        s = failure("make init non-dumpable");
    std::string report = s.ok() ? std::string("K") : "E" + s.describe();
    (void)!::write(ready.get(), report.data(), report.size());
    ready.reset();
    if (!s.ok())
        ::_exit(1);
    InitServer server(std::move(listener), std::move(logs), std::move(filter), std::move(egress), std::move(dropLog),
                      opts.dataLimit);
    ::_exit(server.run());
}

std::string readAll(int fd)
{
    std::string out;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return out;
        out.append(buf, size_t(n));
    }
}

Status prepare(const InitOptions &opts, UniqueFd &logs, ParentLimits &limits)
{
    // Whatever the engine left open (its database, its lock) is not ours.
    ::close_range(3, ~0u, 0);
    ::setsid(); // own session: the engine's terminal or death does not reach us
    logs.reset(::open(opts.logsDir().c_str(), O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!logs.valid())
        return failure("open logs directory " + opts.logsDir());
    limits = readParentLimits(); // the sandbox's namespace shows its own
    PADDOCK_TRY(placeSandboxResources(opts)); // before anything is forked: all inherit it
    PADDOCK_TRY(enterUserNamespace(::getuid(), ::getgid()));
    PADDOCK_TRY(limitProcesses()); // inside the sandbox's namespace: see user_limits.h
    PADDOCK_TRY(enterOtherNamespaces());
    return success();
}

} // namespace

int launch(const InitOptions &opts)
{
    UniqueFd logs;
    ParentLimits limits {};
    Status s = prepare(opts, logs, limits);
    if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.describe().c_str());
        return 1;
    }
    int sync[2];
    if (::pipe2(sync, O_CLOEXEC) != 0) {
        std::perror("pipe");
        return 1;
    }
    UniqueFd readEnd(sync[0]), writeEnd(sync[1]);
    pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("fork PID 1 of the sandbox");
        return 1;
    }
    if (pid == 0) {
        readEnd.reset();
        runPid1(opts, limits, std::move(logs), std::move(writeEnd));
    }
    writeEnd.reset();
    std::string report = readAll(readEnd.get());
    if (report == "K") {
        std::printf("pid %d\n", pid);
        return 0;
    }
    std::fprintf(stderr, "%s\n",
                 report.empty() ? "sandbox init exited during setup" : report.c_str() + 1);
    return 1;
}

} // namespace paddock::init
