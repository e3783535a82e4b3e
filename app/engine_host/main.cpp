// paddock-engine: a headless engine in the foreground until SIGTERM/SIGINT.
// `paddock serve` execs it; the CLI starts it detached when no engine runs.
//
//   paddock-engine [--data-dir DIR] [--ready-fd N]
#include "cli_args.h"
#include "cli_output.h"

#include "paddock/engine.h"

#include "paddock/api_server.h"

#include "paddock/data_paths.h"

#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/signalfd.h>
#include <unistd.h>

using namespace paddock;
using namespace paddock::cli;

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

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    CliArgs a = parseArgs(app.arguments().mid(1), { QStringLiteral("--ready-fd"), QStringLiteral("--data-dir") }, {});
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usageError(a.error.isEmpty() ? QStringLiteral("paddock-engine takes only --data-dir and --ready-fd") : a.error);
    const DataPaths paths = DataPaths::resolve(a.value(QStringLiteral("--data-dir")));
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
    server.allowRemoteShutdown([] { QCoreApplication::quit(); }); // the desktop app takes over
    QSocketNotifier notifier(sigFd, QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, qApp, &QCoreApplication::quit);
    printLine(QStringLiteral("paddock engine %1 serving %2 on %3")
                  .arg(QStringLiteral(PADDOCK_VERSION), paths.dataDir(), paths.apiSocket()));
    report(readyFd, "ready");
    return QCoreApplication::exec();
}
