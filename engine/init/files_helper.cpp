#include "files_helper.h"

#include "files_server.h"
#include "workload_privileges.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace paddock::init {

namespace {

constexpr int kConnFd = 3;

[[noreturn]] void serve(int connFd, wire::FrameParser pending, const std::string &unsent,
                        const SyscallFilter &filter)
{
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    // Only the connection survives; the same order as a workload's start:
    // close PID 1's fds, turn dumpable, drop privileges, filter, then work.
    if (connFd != kConnFd && ::dup3(connFd, kConnFd, O_CLOEXEC) < 0)
        ::_exit(1);
    ::close_range(kConnFd + 1, ~0u, 0);
    ::prctl(PR_SET_DUMPABLE, 1);
    const char *step = nullptr;
    // Non-dumpable again once the new user namespace is mapped (which
    // needed our /proc/self files to be our own): this process is a copy of
    // PID 1's memory, so no workload may read its /proc/PID/{mem,environ,
    // maps,exe}. It still reads its own /proc/self/fd, as every process may.
    if (dropWorkloadPrivileges(&step) != 0 || ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0
        || ::prctl(PR_SET_DUMPABLE, 0) != 0 || installSyscallFilter(filter) != 0)
        ::_exit(1); // fail closed: the engine sees the connection end
    int flags = ::fcntl(kConnFd, F_GETFL);
    ::fcntl(kConnFd, F_SETFL, flags & ~O_NONBLOCK); // this process may block
    if (!unsent.empty() && ::send(kConnFd, unsent.data(), unsent.size(), MSG_NOSIGNAL) != ssize_t(unsent.size()))
        ::_exit(1);
    int status;
    {
        // Scoped, so its destructors run: a write left unfinished (the
        // engine went away midway) removes its temporary file.
        FilesServer server(UniqueFd(kConnFd), std::move(pending));
        status = server.run();
    }
    ::_exit(status);
}

} // namespace

pid_t startFilesHelper(UniqueFd conn, wire::FrameParser pending, const std::string &unsent,
                       const SyscallFilter &filter)
{
    pid_t pid = ::fork();
    if (pid == 0)
        serve(conn.release(), std::move(pending), unsent, filter);
    return pid;
}

} // namespace paddock::init
