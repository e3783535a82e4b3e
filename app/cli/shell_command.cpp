// `paddock shell SB [-- CMD…]`: a terminal in the sandbox from the user's
// own terminal, like `docker exec -it`. The request upgrades the API
// connection (Upgrade: paddock-exec-v1); from then on keys, resizes and
// output travel as JSON lines both ways.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"
#include "engine_autostart.h"
#include "exec_events.h"
#include "terminal_mode.h"

#include <QJsonDocument>
#include <QFile>

#include <boost/beast/http.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <sstream>

namespace http = boost::beast::http;

namespace paddock::cli {

namespace {

constexpr char kProtocol[] = "paddock-exec-v1";

// Closes the socket however the shell ends.
struct Fd {
    int fd = -1;
    ~Fd() { if (fd >= 0) ::close(fd); }
};

int connectTo(const QString &path)
{
    sockaddr_un addr {};
    addr.sun_family = AF_UNIX;
    QByteArray p = QFile::encodeName(path);
    if (size_t(p.size()) >= sizeof addr.sun_path)
        return -1;
    std::memcpy(addr.sun_path, p.constData(), size_t(p.size()) + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

Result<int> connectToEngine(const DataPaths &paths)
{
    int fd = connectTo(paths.apiSocket());
    if (fd < 0) {
        if (auto started = ensureEngine(paths); !started)
            return tl::unexpected(started.error());
        fd = connectTo(paths.apiSocket());
    }
    if (fd < 0)
        return fail(ErrorCode::NotRunning, QStringLiteral("cannot reach the engine at %1").arg(paths.apiSocket()));
    return fd;
}

bool sendAll(int fd, const QByteArray &bytes)
{
    for (qsizetype at = 0; at < bytes.size();) {
        ssize_t n = ::send(fd, bytes.constData() + at, size_t(bytes.size() - at), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        at += n;
    }
    return true;
}

// Sends the upgrade request; returns the bytes that followed the 101
// answer (the first events), or the error the engine answered with.
Result<QByteArray> requestUpgrade(int fd, const QString &target, const QJsonObject &body)
{
    http::request<http::string_body> req { http::verb::post, target.toStdString(), 11 };
    req.set(http::field::host, "paddock");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, kProtocol);
    req.set(http::field::content_type, "application/json");
    req.body() = QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString();
    req.prepare_payload();
    std::ostringstream os;
    os << req;
    if (!sendAll(fd, QByteArray::fromStdString(os.str())))
        return fail(ErrorCode::Io, QStringLiteral("the engine closed the connection"));

    http::response_parser<http::string_body> parser;
    parser.eager(true);
    QByteArray buffer;
    char chunk[16384];
    bool needMore = true;
    while (!parser.is_done()) {
        if (needMore || buffer.isEmpty()) {
            ssize_t n = ::read(fd, chunk, sizeof chunk);
            if (n <= 0)
                return fail(ErrorCode::Io, QStringLiteral("the engine closed the connection mid-answer"));
            buffer.append(chunk, n);
        }
        boost::beast::error_code ec;
        size_t used = parser.put(boost::asio::buffer(buffer.constData(), size_t(buffer.size())), ec);
        buffer.remove(0, qsizetype(used));
        needMore = ec == http::error::need_more;
        if (ec && !needMore)
            return fail(ErrorCode::Protocol, QStringLiteral("malformed answer from the engine"));
    }
    int status = int(parser.get().result_int());
    if (status != 101)
        return tl::unexpected(errorFromResponse({ status, QByteArray::fromStdString(parser.get().body()) }));
    return buffer;
}

int winchSignalFd()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// Relays keys to the sandbox and output back until the command ends.
int relay(int sock, const QByteArray &firstEvents)
{
    ExecEventPrinter printer;
    printer.feed(firstEvents);
    Fd winch { winchSignalFd() };
    RawTerminal raw(0);
    bool stdinOpen = true;
    char buf[16384];
    while (!printer.ended()) {
        pollfd fds[3] = { { stdinOpen ? 0 : -1, POLLIN, 0 }, { sock, POLLIN, 0 }, { winch.fd, POLLIN, 0 } };
        if (::poll(fds, 3, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents) {
            ssize_t n = ::read(sock, buf, sizeof buf);
            if (n <= 0)
                break;
            printer.feed(QByteArray(buf, n));
        }
        if (fds[0].revents) {
            ssize_t n = ::read(0, buf, sizeof buf);
            // Our end of file becomes the terminal's: ^D, as typed.
            QByteArray keys = n > 0 ? QByteArray(buf, n) : QByteArray("\x04");
            stdinOpen = n > 0;
            sendAll(sock, stdinMessage(keys));
        }
        if (fds[2].revents) {
            signalfd_siginfo info;
            while (::read(winch.fd, &info, sizeof info) == ssize_t(sizeof info)) { }
            CellSize size = terminalSize(0);
            sendAll(sock, resizeMessage(size.rows, size.cols));
        }
    }
    if (printer.error())
        return reportError(*printer.error());
    if (!printer.status())
        return reportError(Error { ErrorCode::Io, QStringLiteral("the connection to the engine was lost") });
    return *printer.status();
}

} // namespace

int shellCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--cwd"), QStringLiteral("--env") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: shell SB [--cwd DIR] [--env K=V]… [-- CMD…]") : a.error);
    if (a.command.isEmpty())
        a.command = QStringList { QStringLiteral("bash"), QStringLiteral("-l") };
    auto body = commandBody(a);
    if (!body)
        return usageError(body.error().message);
    CellSize size = terminalSize(0);
    body->insert(QStringLiteral("tty"), QJsonObject { { QStringLiteral("rows"), size.rows }, { QStringLiteral("cols"), size.cols } });
    QJsonObject env = body->value(QStringLiteral("env")).toObject();
    if (!env.contains(QStringLiteral("TERM")) && !qEnvironmentVariable("TERM").isEmpty())
        env.insert(QStringLiteral("TERM"), qEnvironmentVariable("TERM"));
    body->insert(QStringLiteral("env"), env);

    auto sock = connectToEngine(ctx.paths);
    if (!sock)
        return reportError(sock.error());
    Fd guard { *sock };
    auto first = requestUpgrade(*sock, sandboxPath(a.positional[0]) + QStringLiteral("/exec"), *body);
    if (!first)
        return reportError(first.error());
    return relay(*sock, *first);
}

} // namespace paddock::cli
