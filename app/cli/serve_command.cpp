// `paddock serve`: a headless engine in the foreground until SIGTERM/SIGINT.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include "paddock/engine.h"

#include "paddock/api_server.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/signalfd.h>
#include <unistd.h>

namespace paddock::cli {

namespace {

// Tells whoever started us (engine_autostart.cpp) how the start went.
void report(int readyFd, const QByteArray &message)
{
    if (readyFd < 0)
        return;
    writeRaw(readyFd, message + '\n');
    ::close(readyFd);
}

// SIGTERM and SIGINT end the event loop through a signalfd, so shutdown
// runs as ordinary code (sandboxes keep running; only the engine stops).
int quitOnSignals()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    return ::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

} // namespace

int serveCommand(const DataPaths &paths, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--ready-fd") }, {});
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usageError(a.error.isEmpty() ? QStringLiteral("serve takes no arguments") : a.error);
    int readyFd = a.values.contains(QStringLiteral("--ready-fd")) ? a.value(QStringLiteral("--ready-fd")).toInt() : -1;

    int sigFd = quitOnSignals();
    auto engine = Engine::open(paths);
    if (!engine) {
        report(readyFd, "error: " + engine.error().message.toUtf8());
        return reportError(engine.error());
    }
    api::ApiServer server(**engine);
    if (auto r = server.listen(); !r) {
        report(readyFd, "error: " + r.error().message.toUtf8());
        return reportError(r.error());
    }
    QSocketNotifier notifier(sigFd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, &QCoreApplication::quit);
    printLine(QStringLiteral("paddock engine %1 serving %2 on %3")
                  .arg(QStringLiteral(PADDOCK_VERSION), paths.dataDir(), paths.apiSocket()));
    report(readyFd, "ready");
    return QCoreApplication::exec();
}

} // namespace paddock::cli
