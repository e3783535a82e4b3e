// `paddock engine status|stop`: the engine that serves this data dir (the
// one the CLI started in the background, or `paddock serve`), asked over
// its socket. Asking never starts one, as every other verb would.
#include "commands.h"

#include "api_client.h"
#include "cli_output.h"
#include "engine_autostart.h"

#include <QElapsedTimer>
#include <QThread>

namespace paddock::cli {

namespace {

constexpr int kStopWaitMs = 15000;

int engineStatus(ApiClient &api, const DataPaths &paths)
{
    auto r = api.call("GET", QStringLiteral("/v1/version"));
    if (!r && r.error().code == ErrorCode::NotRunning) {
        printLine(QStringLiteral("no engine is running for %1").arg(paths.dataDir()));
        return 3; // as `systemctl status` says "not running"
    }
    if (!r) return reportError(r.error());
    printLine(QStringLiteral("an engine (Paddock %1) is running for %2")
                  .arg(r->value(QStringLiteral("version")).toString(), paths.dataDir()));
    return 0;
}

// Sandboxes keep running: the next engine re-attaches them.
int engineStop(ApiClient &api, const DataPaths &paths)
{
    auto r = api.call("POST", QStringLiteral("/v1/engine/shutdown"));
    if (!r && r.error().code == ErrorCode::NotRunning) {
        printLine(QStringLiteral("no engine is running for %1").arg(paths.dataDir()));
        return 0;
    }
    if (!r) return reportError(r.error());
    QElapsedTimer waited;
    waited.start();
    // Stopped once it has exited, not once it stops answering: the next
    // command's engine needs its lock.
    while (waited.elapsed() < kStopWaitMs) {
        if (!engineLockHeld(paths)) {
            printLine(QStringLiteral("stopped; sandboxes keep running, and the next command's engine takes them up"));
            return 0;
        }
        QThread::msleep(50);
    }
    return reportError(Error { ErrorCode::Timeout,
        QStringLiteral("the engine was asked to stop but still answers after %1 s").arg(kStopWaitMs / 1000) });
}

} // namespace

int engineCommand(const DataPaths &paths, const QStringList &args)
{
    ApiClient api(paths.apiSocket()); // no engine is started to be asked
    const QString sub = args.value(0);
    if (args.size() == 1 && sub == QLatin1String("status")) return engineStatus(api, paths);
    if (args.size() == 1 && sub == QLatin1String("stop")) return engineStop(api, paths);
    return usageError(QStringLiteral("usage: paddock engine status|stop"));
}

} // namespace paddock::cli
