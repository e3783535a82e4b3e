#include "child_spawn.h"

#include "unique_fd.h"
#include "workload_privileges.h"

#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char **environ;

namespace paddock::init {

namespace {

enum FailedStep : int { kStepStdio = 1, kStepCwd = 2, kStepExec = 3, kStepPrivileges = 4, kStepSyscallFilter = 5 };

std::vector<char *> cStrings(const std::vector<std::string> &list)
{
    std::vector<char *> out;
    for (const auto &s : list)
        out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

[[noreturn]] void reportAndExit(int pipeFd, FailedStep step)
{
    int msg[2] = { step, errno };
    (void)!::write(pipeFd, msg, sizeof msg);
    ::_exit(127);
}

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void execChild(const SpawnRequest &req, char **argv, char **envp, int errFd)
{
    ::setsid();
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : { SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD })
        ::signal(sig, SIG_DFL);
    if (::dup2(req.stdinFd, 0) < 0 || ::dup2(req.stdoutFd, 1) < 0 || ::dup2(req.stderrFd, 2) < 0)
        reportAndExit(errFd, kStepStdio);
    if (req.controllingTerminal && ::ioctl(0, TIOCSCTTY, 0) != 0)
        reportAndExit(errFd, kStepStdio);
    // Nothing of PID 1's may reach the workload: close every other fd (the
    // control socket, the host's logs directory) before this process turns
    // dumpable, which it must for its new user namespace's /proc/self files
    // to be its own (a non-dumpable process's belong to the host's root).
    if (errFd > 3)
        ::close_range(3, unsigned(errFd) - 1, 0);
    ::close_range(unsigned(errFd) + 1, ~0u, 0);
    ::prctl(PR_SET_DUMPABLE, 1);
    const char *step = nullptr;
    if (int err = dropWorkloadPrivileges(&step); err != 0) {
        errno = err; // never run a workload that kept its privileges: fail closed
        reportAndExit(errFd, kStepPrivileges);
    }
    if (!req.cwd.empty() && ::chdir(req.cwd.c_str()) != 0)
        reportAndExit(errFd, kStepCwd);
    // Last, so that every step above may still use what the filter denies.
    if (int err = req.syscallFilter ? installSyscallFilter(*req.syscallFilter) : EINVAL; err != 0) {
        errno = err;
        reportAndExit(errFd, kStepSyscallFilter);
    }
    environ = envp; // execvp searches the PATH of the new environment
    ::execvp(argv[0], argv);
    reportAndExit(errFd, kStepExec);
}

std::string describe(const SpawnRequest &req, int step, int err)
{
    const std::string &cmd = req.argv.front();
    if (step == kStepCwd)
        return "cannot change directory to " + req.cwd + ": " + std::strerror(err);
    if (step == kStepExec && err == ENOENT)
        return cmd + ": command not found";
    if (step == kStepExec && err == EACCES)
        return cmd + ": permission denied (not executable)";
    if (step == kStepExec)
        return cmd + ": cannot execute: " + std::strerror(err);
    if (step == kStepSyscallFilter)
        return "cannot install the workload's syscall filter: " + std::string(std::strerror(err));
    if (step == kStepPrivileges)
        return "cannot drop the workload's privileges: " + std::string(std::strerror(err));
    return "cannot set up stdio: " + std::string(std::strerror(err));
}

} // namespace

SpawnResult spawnChild(const SpawnRequest &req)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return { -1, errno, "pipe for spawn" };
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);
    std::vector<char *> argv = cStrings(req.argv);
    std::vector<char *> envp = cStrings(req.env);
    pid_t pid = ::fork();
    if (pid < 0)
        return { -1, errno, "fork" };
    if (pid == 0)
        execChild(req, argv.data(), envp.data(), writeEnd.get());
    writeEnd.reset();
    int msg[2] = { 0, 0 };
    ssize_t n;
    do
        n = ::read(readEnd.get(), msg, sizeof msg);
    while (n < 0 && errno == EINTR);
    if (n == ssize_t(sizeof msg)) {
        ::waitpid(pid, nullptr, 0);
        return { -1, msg[1], describe(req, msg[0], msg[1]) };
    }
    return { pid, 0, {} };
}

} // namespace paddock::init
