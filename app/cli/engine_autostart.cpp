#include "engine_autostart.h"

#include "commands.h"
#include "unix_stream.h"

#include <QElapsedTimer>
#include <QFile>
#include <QThread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <unistd.h>

extern char **environ;

namespace paddock::cli {

namespace {

constexpr int kStartTimeoutMs = 60000; // the first start builds the base image

// Spawns paddock-engine in its own session with a pipe on fd 3, on which
// it reports "ready" or why it could not start. Returns the read end.
Result<int> spawnServe(const DataPaths &paths)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0)
        return fail(ErrorCode::Io, QStringLiteral("pipe: %1").arg(qt_error_string(errno)));
    QByteArray exe = QFile::encodeName(engineBinary());
    QByteArray dataDir = QFile::encodeName(paths.dataDir());
    QByteArray log = QFile::encodeName(paths.engineLog());
    const char *argv[] = { exe.constData(), "--data-dir", dataDir.constData(), "--ready-fd", "3", nullptr };

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.constData(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 3);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID); // not killed with this terminal
    pid_t pid = 0;
    int rc = ::posix_spawn(&pid, exe.constData(), &actions, &attr, const_cast<char **>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        return fail(ErrorCode::Io, QStringLiteral("cannot start the engine: %1").arg(qt_error_string(rc)));
    }
    return fds[0];
}

// Reads the engine's report until it closes the pipe.
QByteArray readReport(int fd)
{
    QByteArray report;
    pollfd p { fd, POLLIN, 0 };
    char buf[4096];
    while (::poll(&p, 1, kStartTimeoutMs) > 0) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        report.append(buf, n);
    }
    ::close(fd);
    return report.trimmed();
}

bool apiAnswers(const DataPaths &paths)
{
    UnixStream probe;
    return probe.connectTo(paths.apiSocket());
}

// Another engine holds the data dir: one starting (another CLI's, which
// serves us too once it answers) or one stopping (`paddock engine stop`
// returned once it stopped answering; its lock goes as it exits). Waits
// for either. True: it answers; false: it is gone, start ours.
Result<bool> waitForOtherEngine(const DataPaths &paths)
{
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < kStartTimeoutMs) {
        if (apiAnswers(paths)) return true;
        if (!engineLockHeld(paths)) return false;
        QThread::msleep(50);
    }
    return fail(ErrorCode::Timeout,
        QStringLiteral("another engine holds %1 but has not answered for %2 s (see %3)")
            .arg(paths.dataDir()).arg(kStartTimeoutMs / 1000).arg(paths.engineLog()));
}

} // namespace

bool engineLockHeld(const DataPaths &paths)
{
    const int fd = ::open(QFile::encodeName(paths.lockFile()).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false; // no engine ever ran here
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    ::close(fd); // and with it the lock, if this took it
    return held;
}

Result<void> ensureEngine(const DataPaths &paths)
{
    if (auto r = paths.ensureExists(); !r)
        return r;
    for (int attempt = 0; attempt < 3; ++attempt) {
        auto fd = spawnServe(paths);
        if (!fd)
            return tl::unexpected(fd.error());
        const QByteArray report = readReport(*fd);
        if (report == "ready")
            return {};
        if (!report.startsWith("error: another Paddock engine"))
            return fail(ErrorCode::Internal,
                        QStringLiteral("the engine did not start: %1 (see %2)")
                            .arg(report.isEmpty() ? QStringLiteral("no report") : QString::fromUtf8(report), paths.engineLog()));
        auto answers = waitForOtherEngine(paths);
        if (!answers)
            return tl::unexpected(answers.error());
        if (*answers)
            return {};
    }
    return fail(ErrorCode::Internal,
                QStringLiteral("the engine did not start: engines for %1 keep starting and stopping (see %2)")
                    .arg(paths.dataDir(), paths.engineLog()));
}

} // namespace paddock::cli
