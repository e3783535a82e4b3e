// `paddock shell SB [-- CMD…]`: a terminal in the sandbox from the user's
// own terminal, like `docker exec -it`. The request upgrades the API
// connection (Upgrade: paddock-exec-v1); from then on keys, resizes and
// output travel as JSON lines both ways.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"
#include "exec_events.h"
#include "terminal_mode.h"

#include <QJsonObject>

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>


namespace paddock::cli {

namespace {

constexpr char kProtocol[] = "paddock-exec-v1";

int winchSignalFd()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

// Closes the signalfd however the shell ends.
struct Fd {
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

// Relays keys to the sandbox and output back until the command ends.
int relay(UnixStream &engine, const QByteArray &firstEvents)
{
    const int sock = engine.fd();
    ExecEventPrinter printer;
    (void)printer.feed(firstEvents); // a terminal: nothing to stop
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
            QByteArray events;
            if (!engine.receive(events))
                break;
            (void)printer.feed(events);
        }
        if (fds[0].revents) {
            ssize_t n = ::read(0, buf, sizeof buf);
            // Our end of file becomes the terminal's: ^D, as typed.
            QByteArray keys = n > 0 ? QByteArray(buf, n) : QByteArray("\x04");
            stdinOpen = n > 0;
            engine.sendAll(stdinMessage(keys));
        }
        if (fds[2].revents) {
            signalfd_siginfo info;
            while (::read(winch.fd, &info, sizeof info) == ssize_t(sizeof info)) { }
            CellSize size = terminalSize(0);
            engine.sendAll(resizeMessage(size.rows, size.cols));
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

    auto upgraded = ctx.api.upgrade(sandboxPath(a.positional[0]) + QStringLiteral("/exec"), *body, kProtocol);
    if (!upgraded)
        return reportError(upgraded.error());
    return relay(upgraded->stream, upgraded->pending);
}

} // namespace paddock::cli
