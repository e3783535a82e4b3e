#include "engine_takeover.h"

#include <QFile>
#include <QLocalSocket>

#include <boost/beast/http.hpp>

#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sstream>

namespace http = boost::beast::http;

namespace paddock::desktop {

namespace {

constexpr int kTimeoutMs = 10000;

Result<void> requestShutdown(const QString &socketPath)
{
    QLocalSocket socket;
    socket.connectToServer(socketPath);
    if (!socket.waitForConnected(kTimeoutMs))
        return fail(ErrorCode::NotRunning, QStringLiteral("cannot reach the running engine: %1").arg(socket.errorString()));
    http::request<http::empty_body> req { http::verb::post, "/v1/engine/shutdown", 11 };
    req.set(http::field::host, "paddock");
    req.prepare_payload();
    std::ostringstream os;
    os << req;
    socket.write(QByteArray::fromStdString(os.str()));
    QByteArray answer;
    while (socket.waitForReadyRead(kTimeoutMs))
        answer += socket.readAll();
    answer += socket.readAll();
    if (!answer.startsWith("HTTP/1.1 202"))
        return fail(ErrorCode::Conflict, QStringLiteral("the engine serving this data dir would not stop (is another "
                                                        "Paddock window open?)"));
    return {};
}

// Waits until the engine process has exited (and so released the lock).
Result<void> awaitExit(qint64 pid)
{
    int pidfd = int(::syscall(SYS_pidfd_open, pid_t(pid), 0));
    if (pidfd < 0)
        return {}; // already gone
    pollfd p { pidfd, POLLIN, 0 };
    int ready = ::poll(&p, 1, kTimeoutMs);
    ::close(pidfd);
    if (ready <= 0)
        return fail(ErrorCode::Timeout, QStringLiteral("the headless engine (pid %1) did not exit").arg(pid));
    return {};
}

} // namespace

Result<void> stopHeadlessEngine(const DataPaths &paths)
{
    QFile lock(paths.lockFile());
    qint64 pid = lock.open(QIODevice::ReadOnly) ? lock.readAll().trimmed().toLongLong() : 0;
    if (auto r = requestShutdown(paths.apiSocket()); !r)
        return r;
    return pid > 0 ? awaitExit(pid) : Result<void>();
}

} // namespace paddock::desktop
