// Verbs on sandboxes: create, ls, start, stop, rm.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUrl>

namespace paddock::cli {

QString sandboxPath(const QString &key)
{
    return QStringLiteral("/v1/sandboxes/") + QString::fromLatin1(QUrl::toPercentEncoding(key));
}

namespace {

int oneSandbox(
    CliContext &ctx, const QStringList &args, const QByteArray &method, const char *suffix)
{
    CliArgs a = parseArgs(args, {}, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(
            a.error.isEmpty() ? QStringLiteral("expected one sandbox ID or name") : a.error);
    auto r = ctx.api.call(method, sandboxPath(a.positional[0]) + QLatin1String(suffix));
    if (!r) return reportError(r.error());
    printLine(r->value(QStringLiteral("id")).toString());
    return 0;
}

} // namespace

int createCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, limitOptions() + QSet<QString> { QStringLiteral("--name") }, { QStringLiteral("--json") });
    // `create NAME` reads as naturally as `create --name NAME`; both mean the same.
    if (!a.error.isEmpty() || a.positional.size() > 1
        || (a.positional.size() == 1 && a.values.contains(QStringLiteral("--name"))))
        return usageError(a.error.isEmpty()
                ? QStringLiteral("usage: paddock create [NAME | --name NAME] [--cpus N] [--memory SIZE] [--pids N] [--json]")
                : a.error);
    QJsonObject body;
    if (auto r = putLimits(a, body); !r)
        return usageError(r.error().message);
    if (a.values.contains(QStringLiteral("--name")) || !a.positional.isEmpty())
        body.insert(QStringLiteral("name"),
            a.positional.isEmpty() ? a.value(QStringLiteral("--name")) : a.positional[0]);
    auto r = ctx.api.call("POST", QStringLiteral("/v1/sandboxes"), body);
    if (!r) return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json")))
        printJson(*r);
    else
        printLine(r->value(QStringLiteral("id")).toString());
    return 0;
}

int lsCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usageError(
            a.error.isEmpty() ? QStringLiteral("ls takes no positional arguments") : a.error);
    auto r = ctx.api.call("GET", QStringLiteral("/v1/sandboxes"));
    if (!r) return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json"))) {
        printJson(*r);
        return 0;
    }
    QList<QStringList> rows;
    for (const QJsonValue &v : r->value(QStringLiteral("sandboxes")).toArray()) {
        QJsonObject sb = v.toObject();
        QDateTime created = QDateTime::fromString(
            sb.value(QStringLiteral("createdAt")).toString(), Qt::ISODateWithMs);
        rows.append({ sb.value(QStringLiteral("id")).toString(),
            sb.value(QStringLiteral("name")).toString(),
            sb.value(QStringLiteral("state")).toString(),
            created.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) });
    }
    printTable({ QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("STATE"),
                   QStringLiteral("CREATED") },
        rows);
    return 0;
}

int startCommand(CliContext &ctx, const QStringList &args)
{
    return oneSandbox(ctx, args, "POST", "/start");
}

int stopCommand(CliContext &ctx, const QStringList &args)
{
    return oneSandbox(ctx, args, "POST", "/stop");
}

int rmCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--force") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(
            a.error.isEmpty() ? QStringLiteral("expected one sandbox ID or name") : a.error);
    QString target = sandboxPath(a.positional[0]);
    if (a.flags.contains(QStringLiteral("--force"))) target += QStringLiteral("?force=1");
    auto r = ctx.api.call("DELETE", target);
    if (!r) return reportError(r.error());
    return 0;
}

} // namespace paddock::cli
