// `paddock watch SB PATH [--exclude GLOB]… [--since N] [--json]`: one line
// per change as it happens, until interrupted.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

namespace paddock::cli {

namespace {

QString describe(const QJsonObject &e)
{
    const QString type = e.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("ready"))
        return QStringLiteral("watching (version %1)").arg(e.value(QStringLiteral("version")).toString());
    if (type == QLatin1String("resync"))
        return QStringLiteral("resync: %1 entries (%2)")
            .arg(e.value(QStringLiteral("entries")).toArray().size())
            .arg(e.value(QStringLiteral("reason")).toString());
    if (type == QLatin1String("moved"))
        return QStringLiteral("moved %1 -> %2").arg(e.value(QStringLiteral("from")).toString(), e.value(QStringLiteral("path")).toString());
    const QString suffix = e.value(QStringLiteral("directory")).toBool() ? QStringLiteral("/") : QString();
    return type + u' ' + e.value(QStringLiteral("path")).toString() + suffix;
}

} // namespace

int watchCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--exclude"), QStringLiteral("--since") }, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock watch SB PATH [--exclude GLOB]… [--since N] [--json]") : a.error);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("path"), QString::fromLatin1(QUrl::toPercentEncoding(a.positional[1])));
    for (const QString &glob : a.all(QStringLiteral("--exclude")))
        query.addQueryItem(QStringLiteral("exclude"), QString::fromLatin1(QUrl::toPercentEncoding(glob)));
    if (a.values.contains(QStringLiteral("--since")))
        query.addQueryItem(QStringLiteral("since"), a.value(QStringLiteral("--since")));
    const bool json = a.flags.contains(QStringLiteral("--json"));
    int status = 0;
    auto r = ctx.api.streamLines("GET", sandboxPath(a.positional[0]) + QStringLiteral("/watch?") + query.query(QUrl::FullyEncoded), {},
                                 [&](const QByteArray &line) -> Result<void> {
                                     const QJsonObject e = QJsonDocument::fromJson(line).object();
                                     if (e.value(QStringLiteral("type")).toString() == QLatin1String("error")) {
                                         status = reportError(Error { ErrorCode::NotRunning,
                                                                      e.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString() });
                                         return {};
                                     }
                                     if (json)
                                         return writeRaw(1, line + '\n');
                                     printLine(describe(e));
                                     return {};
                                 });
    if (!r)
        return reportError(r.error());
    return status;
}

} // namespace paddock::cli
