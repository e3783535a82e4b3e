#include "child_spawn.h"

#include "paddock/fd_passing.h"
#include "paddock/unique_fd.h"
#include "workload_privileges.h"

#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char **environ;

namespace paddock::init {

namespace {

// What the child tells PID 1 before exec: the listener of its reported
// calls (with the fd attached), or the step that failed.
constexpr int kListenerMessage = 0;
enum FailedStep : int { kStepStdio = 1, kStepCwd = 2, kStepExec = 3, kStepPrivileges = 4, kStepSyscallFilter = 5, kStepLimits = 6 };

std::vector<char *> cStrings(const std::vector<std::string> &list)
{
    std::vector<char *> out;
    for (const auto &s : list)
        out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

[[noreturn]] void reportAndExit(int channel, FailedStep step)
{
    int msg[2] = { step, errno };
    (void)!::write(channel, msg, sizeof msg);
    ::_exit(127);
}

constexpr char kWorkloadOomScoreAdj[] = "1000";

// Async-signal-safe: open, write, close.
bool writeOomScoreAdj(const char *value)
{
    const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    const ssize_t len = ssize_t(std::strlen(value));
    const bool ok = fd >= 0 && ::write(fd, value, size_t(len)) == len;
    if (fd >= 0)
        ::close(fd);
    return ok;
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
    // Before privileges go; only a lower limit is ever set, which needs none.
    const rlimit data { rlim_t(req.dataLimit), rlim_t(req.dataLimit) };
    if (req.dataLimit > 0 && ::setrlimit(RLIMIT_DATA, &data) != 0)
        reportAndExit(errFd, kStepLimits);
    // First in the OOM killer's line: when memory runs out, the kernel
    // kills sandbox work before any of the user's processes (1000 is the
    // most an unprivileged process may ask for).
    if (!writeOomScoreAdj(kWorkloadOomScoreAdj))
        reportAndExit(errFd, kStepLimits);
    const char *step = nullptr;
    if (int err = dropWorkloadPrivileges(&step); err != 0) {
        errno = err; // never run a workload that kept its privileges: fail closed
        reportAndExit(errFd, kStepPrivileges);
    }
    if (!req.cwd.empty() && ::chdir(req.cwd.c_str()) != 0)
        reportAndExit(errFd, kStepCwd);
    // Last, so that every step above may still use what the filter denies.
    // Its listener is close-on-exec: PID 1 holds the only copy after exec.
    int listener = -1;
    if (int err = req.syscallFilter ? installSyscallFilter(*req.syscallFilter, &listener) : EINVAL; err != 0) {
        errno = err;
        reportAndExit(errFd, kStepSyscallFilter);
    }
    const int listenerMessage[2] = { kListenerMessage, 0 };
    if (!sendWithFds(errFd, listenerMessage, sizeof listenerMessage, &listener, 1))
        reportAndExit(errFd, kStepSyscallFilter);
    environ = envp; // execvp searches the PATH of the new environment
    ::execvp(argv[0], argv);
    reportAndExit(errFd, kStepExec);
}

std::string describe(const std::string &cmd, const std::string &cwd, int step, int err)
{
    if (step == kStepCwd)
        return "cannot change directory to " + cwd + ": " + std::strerror(err);
    if (step == kStepExec && err == ENOENT)
        return cmd + ": command not found";
    if (step == kStepExec && err == EACCES)
        return cmd + ": permission denied (not executable)";
    if (step == kStepExec)
        return cmd + ": cannot execute: " + std::strerror(err);
    if (step == kStepSyscallFilter)
        return "cannot install the workload's syscall filter: " + std::string(std::strerror(err));
    if (step == kStepLimits)
        return "cannot set the workload's memory limit or OOM score: " + std::string(std::strerror(err));
    if (step == kStepPrivileges)
        return "cannot drop the workload's privileges: " + std::string(std::strerror(err));
    return "cannot set up stdio: " + std::string(std::strerror(err));
}

} // namespace

ChildSpawn::ChildSpawn(const SpawnRequest &req)
    : m_command(req.argv.empty() ? std::string() : req.argv.front()), m_cwd(req.cwd)
{
    start(req);
}

void ChildSpawn::start(const SpawnRequest &req)
{
    // Datagrams, so the listener message and a failure after it (exec
    // failed) arrive as two, and the fd stays with the first.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0)
        return fail(errno, "socketpair for spawn");
    UniqueFd readEnd(fds[0]), writeEnd(fds[1]);
    if (::fcntl(readEnd.get(), F_SETFL, O_NONBLOCK) != 0)
        return fail(errno, "make the spawn channel non-blocking");
    std::vector<char *> argv = cStrings(req.argv);
    std::vector<char *> envp = cStrings(req.env);
    m_pid = ::fork();
    if (m_pid < 0)
        return fail(errno, "fork");
    if (m_pid == 0)
        execChild(req, argv.data(), envp.data(), writeEnd.get());
    m_channel = std::move(readEnd); // the child holds the only write end now
}

ChildSpawn::State ChildSpawn::readReports()
{
    while (m_state == State::Pending) {
        // One message each: a failed step, or the listener (with its fd); end of file at exec.
        int msg[2] = { 0, 0 };
        std::vector<UniqueFd> passed;
        bool truncated = false;
        ssize_t n = receiveWithFds(m_channel.get(), msg, sizeof msg, passed, truncated);
        if (n < 0 && errno == EAGAIN)
            return m_state;
        if (n == ssize_t(sizeof msg) && msg[0] == kListenerMessage && passed.size() == 1 && !truncated) {
            m_refusals = std::move(passed.front());
            continue;
        }
        if (n == ssize_t(sizeof msg) && msg[0] != kListenerMessage) {
            fail(msg[1], describe(m_command, m_cwd, msg[0], msg[1]));
        } else if (n == 0 && m_refusals.valid()) {
            m_state = State::Started;
        } else if (n == 0) {
            // Killed between fork and exec (from inside the sandbox), or it
            // never sent its listener: either way, no workload runs.
            if (!m_reaped)
                ::kill(m_pid, SIGKILL);
            fail(ECHILD, m_command + ": the process ended before it started (killed from inside the sandbox?)");
        } else {
            if (!m_reaped)
                ::kill(m_pid, SIGKILL);
            fail(EPROTO, m_command + ": malformed start report");
        }
    }
    m_channel.reset();
    return m_state;
}

void ChildSpawn::abandon(int error, std::string why)
{
    if (m_state != State::Pending)
        return;
    if (!m_reaped) // still PID 1's unreaped child: the pid cannot have been reused
        ::kill(m_pid, SIGKILL);
    fail(error, m_command + ": " + why);
    m_channel.reset();
}

void ChildSpawn::fail(int error, std::string message)
{
    m_state = State::Failed;
    m_error = error;
    m_message = std::move(message);
    m_refusals.reset();
}

} // namespace paddock::init
