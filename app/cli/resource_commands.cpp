// Verbs on resources: update (a sandbox's limits), usage, info (how limits
// hold on this machine); and the limit flags `create` shares with update.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include "paddock/resources.h"

#include <QJsonArray>

namespace paddock::cli {

namespace {

QString limitText(const QJsonObject &limits, int hostCpus)
{
    const double cpus = limits.value(QStringLiteral("cpus")).toDouble();
    const qint64 memory = qint64(limits.value(QStringLiteral("memoryBytes")).toDouble());
    const qint64 pids = qint64(limits.value(QStringLiteral("pids")).toDouble());
    const QString cpuText = cpus > 0 ? QStringLiteral("%1").arg(cpus)
        : hostCpus > 0               ? QStringLiteral("no limit (all %1 cores)").arg(hostCpus)
                                     : QStringLiteral("no limit");
    return QStringLiteral("cpus %1, memory %2, pids %3")
        .arg(cpuText, memory > 0 ? formatByteSize(memory) : QStringLiteral("no limit"),
             pids > 0 ? QString::number(pids) : QStringLiteral("no limit"));
}

QString cpuSeconds(double seconds) { return QStringLiteral("%1 s").arg(seconds, 0, 'f', 3); }

void printHistory(const QJsonObject &h, const QString &since)
{
    const QJsonObject prices = h.value(QStringLiteral("prices")).toObject();
    printLine(QStringLiteral("last %1: %2 CPU, %3 GiB-seconds of memory")
                  .arg(since, cpuSeconds(h.value(QStringLiteral("cpuSeconds")).toDouble()))
                  .arg(h.value(QStringLiteral("memoryGibSeconds")).toDouble(), 0, 'f', 1));
    printLine(QStringLiteral("         $%1 on Cloudflare Containers ($%2 per vCPU-second, $%3 per GiB-second)")
                  .arg(h.value(QStringLiteral("cost")).toDouble(), 0, 'f', 6)
                  .arg(prices.value(QStringLiteral("perVcpuSecond")).toDouble(), 0, 'g', 6)
                  .arg(prices.value(QStringLiteral("perGibSecond")).toDouble(), 0, 'g', 6));
}

} // namespace

const QSet<QString> &limitOptions()
{
    static const QSet<QString> options { QStringLiteral("--cpus"), QStringLiteral("--memory"), QStringLiteral("--pids") };
    return options;
}

Result<void> putLimits(const CliArgs &a, QJsonObject &body)
{
    QJsonObject limits;
    if (a.values.contains(QStringLiteral("--cpus"))) {
        bool ok = false;
        const double cpus = a.value(QStringLiteral("--cpus")).toDouble(&ok);
        if (!ok)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--cpus wants a number of cores, like 1.5"));
        limits.insert(QStringLiteral("cpus"), cpus);
    }
    if (a.values.contains(QStringLiteral("--memory"))) {
        const auto bytes = parseByteSize(a.value(QStringLiteral("--memory")));
        if (!bytes)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--memory wants a size, like 2G or 512M"));
        limits.insert(QStringLiteral("memoryBytes"), double(*bytes));
    }
    if (a.values.contains(QStringLiteral("--pids"))) {
        bool ok = false;
        const qint64 pids = a.value(QStringLiteral("--pids")).toLongLong(&ok);
        if (!ok || pids < 0)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--pids wants a whole number, like 512"));
        limits.insert(QStringLiteral("pids"), double(pids));
    }
    if (!limits.isEmpty())
        body.insert(QStringLiteral("limits"), limits);
    return {};
}

int updateCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, limitOptions(), { QStringLiteral("--json") });
    QJsonObject body;
    if (a.error.isEmpty() && a.positional.size() == 1)
        if (auto r = putLimits(a, body); !r)
            return usageError(r.error().message);
    if (!a.error.isEmpty() || a.positional.size() != 1 || body.isEmpty())
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock update SB [--cpus N] [--memory SIZE] [--pids N] [--json]")
                                            : a.error);
    auto r = ctx.api.call("PATCH", sandboxPath(a.positional[0]) + QStringLiteral("/limits"),
                          body.value(QStringLiteral("limits")).toObject());
    if (!r) return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json")))
        printJson(*r);
    else
        printLine(limitText(r->value(QStringLiteral("limits")).toObject(), 0));
    return 0;
}

int usageCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--since") }, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock usage SB [--since DURATION] [--json]") : a.error);
    const QString since = a.value(QStringLiteral("--since"), QStringLiteral("1h"));
    if (!parseDuration(since))
        return usageError(QStringLiteral("--since wants a duration, like 90s, 15m, 1h or 7d"));
    auto sb = ctx.api.call("GET", sandboxPath(a.positional[0]));
    if (!sb) return reportError(sb.error());
    auto u = ctx.api.call("GET", sandboxPath(a.positional[0]) + QStringLiteral("/usage"));
    if (!u) return reportError(u.error());
    auto h = ctx.api.call("GET", sandboxPath(a.positional[0]) + QStringLiteral("/usage/history?since=") + since);
    if (!h) return reportError(h.error());
    u->insert(QStringLiteral("limits"), sb->value(QStringLiteral("limits")));
    u->insert(QStringLiteral("history"), *h);
    if (a.flags.contains(QStringLiteral("--json"))) {
        printJson(*u);
        return 0;
    }
    printLine(QStringLiteral("mode     %1").arg(u->value(QStringLiteral("mode")).toString()));
    printLine(QStringLiteral("limits   %1").arg(limitText(sb->value(QStringLiteral("limits")).toObject(), 0)));
    if (!u->value(QStringLiteral("known")).toBool()) {
        printLine(QStringLiteral("usage    unknown: %1").arg(u->value(QStringLiteral("problem")).toString()));
        return 0;
    }
    const qint64 peak = qint64(u->value(QStringLiteral("memoryPeakBytes")).toDouble());
    printLine(QStringLiteral("cpu      %1 since it started").arg(cpuSeconds(u->value(QStringLiteral("cpuSeconds")).toDouble())));
    printLine(QStringLiteral("memory   %1 now%2")
                  .arg(formatByteSize(qint64(u->value(QStringLiteral("memoryBytes")).toDouble())),
                       peak > 0 ? QStringLiteral(", %1 at most").arg(formatByteSize(peak)) : QString()));
    printLine(QStringLiteral("tasks    %1").arg(qint64(u->value(QStringLiteral("tasks")).toDouble())));
    printHistory(*h, since);
    return 0;
}

int infoCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock info [--json]") : a.error);
    auto r = ctx.api.call("GET", QStringLiteral("/v1/resources"));
    if (!r) return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json"))) {
        printJson(*r);
        return 0;
    }
    const int cpus = r->value(QStringLiteral("hostCpus")).toInt();
    printLine(QStringLiteral("resource mode   %1 (%2)")
                  .arg(r->value(QStringLiteral("mode")).toString(), r->value(QStringLiteral("detail")).toString()));
    printLine(QStringLiteral("default limits  %1").arg(limitText(r->value(QStringLiteral("defaults")).toObject(), cpus)));
    printLine(QStringLiteral("enforced:"));
    for (const QJsonValue &line : r->value(QStringLiteral("enforced")).toArray())
        printLine(QStringLiteral("  - ") + line.toString());
    printLine(QStringLiteral("not covered:"));
    for (const QJsonValue &line : r->value(QStringLiteral("notCovered")).toArray())
        printLine(QStringLiteral("  - ") + line.toString());
    return 0;
}

} // namespace paddock::cli
