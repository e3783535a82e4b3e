// Verbs on commands and processes: exec, spawn, ps, logs, kill, wait.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"
#include "exec_events.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

namespace paddock::cli {

namespace {

QString processPath(const QString &sb, const QString &proc, const char *suffix = "")
{
    return sandboxPath(sb) + QStringLiteral("/processes/")
        + QString::fromLatin1(QUrl::toPercentEncoding(proc)) + QLatin1String(suffix);
}

QString exitText(const QJsonObject &p)
{
    if (p.value(QStringLiteral("state")).toString() == QLatin1String("running"))
        return {};
    if (p.value(QStringLiteral("signal")).toInt() > 0)
        return QStringLiteral("signal %1").arg(p.value(QStringLiteral("signal")).toInt());
    QJsonValue code = p.value(QStringLiteral("exitCode"));
    return code.isDouble() ? QString::number(code.toInt()) : QString();
}

} // namespace

int execCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--cwd"), QStringLiteral("--env") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: exec SB [--cwd DIR] [--env K=V]… -- CMD [ARG…]") : a.error);
    auto body = commandBody(a);
    if (!body)
        return usageError(body.error().message);
    ExecEventPrinter printer;
    auto r = ctx.api.stream("POST", sandboxPath(a.positional[0]) + QStringLiteral("/exec"), *body,
                            [&](const QByteArray &bytes) { return printer.feed(bytes); });
    if (!r)
        return reportError(r.error());
    if (printer.error())
        return reportError(*printer.error());
    if (!printer.status())
        return reportError(Error { ErrorCode::Io, QStringLiteral("the command's exit status was lost (engine stopped?)") });
    return *printer.status();
}

int spawnCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--name"), QStringLiteral("--cwd"), QStringLiteral("--env") },
                          { QStringLiteral("--json") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: spawn SB [--name NAME] -- CMD…") : a.error);
    auto body = commandBody(a);
    if (!body)
        return usageError(body.error().message);
    body->insert(QStringLiteral("name"), a.value(QStringLiteral("--name")));
    auto r = ctx.api.call("POST", sandboxPath(a.positional[0]) + QStringLiteral("/processes"), *body);
    if (!r)
        return reportError(r.error());
    a.flags.contains(QStringLiteral("--json")) ? printJson(*r) : printLine(r->value(QStringLiteral("id")).toString());
    return 0;
}

int psCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: ps SB [--json]") : a.error);
    auto r = ctx.api.call("GET", sandboxPath(a.positional[0]) + QStringLiteral("/processes"));
    if (!r)
        return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json"))) {
        printJson(*r);
        return 0;
    }
    QList<QStringList> rows;
    for (const QJsonValue &v : r->value(QStringLiteral("processes")).toArray()) {
        QJsonObject p = v.toObject();
        QStringList argv = p.value(QStringLiteral("argv")).toVariant().toStringList();
        rows.append({ p.value(QStringLiteral("id")).toString(), p.value(QStringLiteral("name")).toString(),
                      p.value(QStringLiteral("state")).toString(), exitText(p), argv.join(QLatin1Char(' ')) });
    }
    printTable({ QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("STATE"), QStringLiteral("EXIT"),
                 QStringLiteral("COMMAND") }, rows);
    return 0;
}

int logsCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--follow"), QStringLiteral("-f") });
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: logs SB PROC [--follow]") : a.error);
    bool follow = a.flags.contains(QStringLiteral("--follow"));
    QString target = processPath(a.positional[0], a.positional[1], "/logs") + (follow ? QStringLiteral("?follow=1") : QString());
    auto r = ctx.api.stream("GET", target, {}, [](const QByteArray &bytes) { return writeRaw(1, bytes); });
    return r ? 0 : reportError(r.error());
}

int killCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--signal"), QStringLiteral("-s") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: kill SB PROC [--signal SIG]") : a.error);
    QJsonObject body { { QStringLiteral("signal"), a.value(QStringLiteral("--signal"), QStringLiteral("TERM")) } };
    auto r = ctx.api.call("POST", processPath(a.positional[0], a.positional[1], "/kill"), body);
    return r ? 0 : reportError(r.error());
}

int waitCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--log"), QStringLiteral("--timeout") },
                          { QStringLiteral("--exit"), QStringLiteral("--json") });
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: wait SB PROC [--exit | --log REGEX] [--timeout S]") : a.error);
    if (a.flags.contains(QStringLiteral("--exit")) && a.values.contains(QStringLiteral("--log")))
        return usageError(QStringLiteral("--exit and --log exclude each other"));
    QUrlQuery query;
    if (a.values.contains(QStringLiteral("--log")))
        query.addQueryItem(QStringLiteral("log"), QString::fromLatin1(QUrl::toPercentEncoding(a.value(QStringLiteral("--log")))));
    if (a.values.contains(QStringLiteral("--timeout")))
        query.addQueryItem(QStringLiteral("timeout"), a.value(QStringLiteral("--timeout")));
    QString target = processPath(a.positional[0], a.positional[1], "/wait");
    if (!query.isEmpty())
        target += QLatin1Char('?') + query.toString(QUrl::FullyEncoded);
    auto r = ctx.api.call("GET", target);
    if (!r)
        return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json")))
        printJson(*r);
    if (r->contains(QStringLiteral("line"))) {
        if (!a.flags.contains(QStringLiteral("--json")))
            printLine(r->value(QStringLiteral("line")).toString());
        return 0;
    }
    // Waiting for the end: our status is the process's, as the shell's `wait`.
    QJsonObject p = r->value(QStringLiteral("process")).toObject();
    int signal = p.value(QStringLiteral("signal")).toInt();
    return signal > 0 ? 128 + signal : p.value(QStringLiteral("exitCode")).toInt(kExitFailure);
}

} // namespace paddock::cli
