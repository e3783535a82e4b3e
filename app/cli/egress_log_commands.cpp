// `paddock egress log|pending|answer`: what the sandboxes' egress did, as a
// log to read or follow, and the connections waiting for a person's answer.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>
#include <QVariant>

#include <algorithm>

namespace paddock::cli {

namespace {

// `withSandbox`: the log of every sandbox, each line naming whose it is.
QString logLine(const QJsonObject &e, bool withSandbox)
{
    const QString host = e.value(QStringLiteral("host")).toString();
    const QString address = e.value(QStringLiteral("address")).toString();
    QString where = !host.isEmpty() ? host : address.contains(u':') ? u'[' + address + u']' : address;
    if (e.value(QStringLiteral("port")).toInt())
        where += u':' + QString::number(e.value(QStringLiteral("port")).toInt());
    // Allowed by a rule but not gone through (the upstream refused, TLS failed):
    // shown as failed, its reason at the end.
    const bool failed = !e.value(QStringLiteral("failure")).toString().isEmpty();
    const QString verdict = failed ? QStringLiteral("failed") : e.value(QStringLiteral("verdict")).toString();
    const QString sandbox = withSandbox ? e.value(QStringLiteral("sandbox")).toString() + QStringLiteral("  ") : QString();
    QString text = QStringLiteral("%1  %2%3  %4  %5")
                       .arg(QDateTime::fromString(e.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs)
                                .toLocalTime()
                                .toString(QStringLiteral("HH:mm:ss.zzz")),
                            sandbox, verdict.leftJustified(10),
                            e.value(QStringLiteral("protocol")).toString().leftJustified(4), where);
    if (!e.value(QStringLiteral("request")).toString().isEmpty())
        text += QStringLiteral("  ") + e.value(QStringLiteral("request")).toString()
            + (e.value(QStringLiteral("httpVersion")).toString().isEmpty() ? QString()
                                                                           : u' ' + e.value(QStringLiteral("httpVersion")).toString());
    if (e.value(QStringLiteral("status")).toInt())
        text += QStringLiteral(" → %1").arg(e.value(QStringLiteral("status")).toInt());
    if (const QStringList secrets = QVariant(e.value(QStringLiteral("secrets")).toArray().toVariantList()).toStringList();
        !secrets.isEmpty())
        text += QStringLiteral("  injected %1").arg(secrets.join(QStringLiteral(", ")));
    if (!e.value(QStringLiteral("rule")).toString().isEmpty()) // its ID: `egress move` and `rm` take it
        text += e.value(QStringLiteral("ruleId")).toInteger()
            ? QStringLiteral("  [#%1 %2]").arg(e.value(QStringLiteral("ruleId")).toInteger()).arg(e.value(QStringLiteral("rule")).toString())
            : QStringLiteral("  [%1]").arg(e.value(QStringLiteral("rule")).toString());
    if (!e.value(QStringLiteral("reason")).toString().isEmpty())
        text += QStringLiteral("  ") + e.value(QStringLiteral("reason")).toString();
    if (!e.value(QStringLiteral("failure")).toString().isEmpty())
        text += QStringLiteral("  failed: ") + e.value(QStringLiteral("failure")).toString();
    if (!e.value(QStringLiteral("open")).toBool() && e.value(QStringLiteral("verdict")).toString() == QLatin1String("allowed")
        && !e.value(QStringLiteral("upstream")).toString().isEmpty())
        text += QStringLiteral("  (%1 B out, %2 B in, %3 ms)")
                    .arg(e.value(QStringLiteral("bytesOut")).toInteger())
                    .arg(e.value(QStringLiteral("bytesIn")).toInteger())
                    .arg(e.value(QStringLiteral("durationMs")).toInteger());
    if (!e.value(QStringLiteral("process")).toString().isEmpty())
        text += QStringLiteral("  by ") + e.value(QStringLiteral("process")).toString();
    return text;
}

// The rule's reason, and that it never decides when an earlier rule hides it.
} // namespace

int egressLogCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--limit"), QStringLiteral("--host") },
                          { QStringLiteral("--follow"), QStringLiteral("--json"), QStringLiteral("--denied"),
                            QStringLiteral("--allowed"), QStringLiteral("--failed"), QStringLiteral("--all") });
    const bool all = a.flags.contains(QStringLiteral("--all"));
    // A failure was allowed by a rule and did not go through: not denied.
    const int verdicts = int(a.flags.contains(QStringLiteral("--denied"))) + int(a.flags.contains(QStringLiteral("--allowed")))
        + int(a.flags.contains(QStringLiteral("--failed")));
    if (!a.error.isEmpty() || a.positional.size() != (all ? 0 : 1) || verdicts > 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress log SB|--all [--follow] [--json] "
                                                             "[--denied|--allowed|--failed] [--host HOST[:PORT]] [--limit N]")
                                            : a.error);
    QUrlQuery q;
    if (!all)
        q.addQueryItem(QStringLiteral("sandbox"), urlEncoded(a.positional[0]));
    if (a.flags.contains(QStringLiteral("--denied")))
        q.addQueryItem(QStringLiteral("verdict"), QStringLiteral("denied"));
    if (a.flags.contains(QStringLiteral("--allowed")))
        q.addQueryItem(QStringLiteral("verdict"), QStringLiteral("allowed"));
    if (a.flags.contains(QStringLiteral("--failed")))
        q.addQueryItem(QStringLiteral("failed"), QStringLiteral("1"));
    if (a.values.contains(QStringLiteral("--host")))
        q.addQueryItem(QStringLiteral("host"), urlEncoded(a.value(QStringLiteral("--host"))));
    bool numeric = false;
    const int limit = a.value(QStringLiteral("--limit"), QStringLiteral("50")).toInt(&numeric);
    if (!numeric || limit < 1)
        return usageError(QStringLiteral("--limit takes a number of entries, 1 or more (at most 10000 are shown)"));
    q.addQueryItem(QStringLiteral("limit"), QString::number(std::min(limit, 10000)));
    const bool json = a.flags.contains(QStringLiteral("--json"));
    if (a.flags.contains(QStringLiteral("--follow"))) {
        q.addQueryItem(QStringLiteral("follow"), QStringLiteral("1"));
        auto r = ctx.api.streamLines("GET", QStringLiteral("/v1/egress/log?") + q.query(QUrl::FullyEncoded), {},
                                     [&](const QByteArray &line) {
                                         if (json)
                                             return writeRaw(1, line + '\n');
                                         printLine(logLine(QJsonDocument::fromJson(line).object(), all));
                                         return Result<void>();
                                     });
        return r ? 0 : reportError(r.error());
    }
    auto r = ctx.api.call("GET", QStringLiteral("/v1/egress/log?") + q.query(QUrl::FullyEncoded));
    if (!r)
        return reportError(r.error());
    const QJsonArray entries = r->value(QStringLiteral("entries")).toArray();
    for (qsizetype i = entries.size() - 1; i >= 0; --i) { // oldest first, as a log reads
        const QJsonObject e = entries[i].toObject();
        json ? (void)writeRaw(1, QJsonDocument(e).toJson(QJsonDocument::Compact) + '\n') : printLine(logLine(e, all));
    }
    return 0;
}

int egressPendingCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress pending [--json]") : a.error);
    return printList(ctx, QStringLiteral("/v1/egress/questions"), a.flags.contains(QStringLiteral("--json")), "questions",
                     { QStringLiteral("ID"), QStringLiteral("SANDBOX"), QStringLiteral("DESTINATION"), QStringLiteral("REQUEST"),
                       QStringLiteral("PROCESS"), QStringLiteral("DENIED AT") },
                     [](const QJsonObject &o) {
                         const QString host = o.value(QStringLiteral("host")).toString();
                         // One HTTP request ("GET /a"), or the whole connection ("-").
                         const QString method = o.value(QStringLiteral("method")).toString();
                         const QString request = method.isEmpty()
                             ? QStringLiteral("-")
                             : (method + u' ' + o.value(QStringLiteral("path")).toString()).trimmed();
                         return QStringList { o.value(QStringLiteral("id")).toString(), o.value(QStringLiteral("sandboxName")).toString(),
                                              (host.isEmpty() ? o.value(QStringLiteral("address")).toString() : host) + u':'
                                                  + QString::number(o.value(QStringLiteral("port")).toInt()),
                                              request, o.value(QStringLiteral("process")).toString(),
                                              QDateTime::fromString(o.value(QStringLiteral("deadline")).toString(), Qt::ISODateWithMs)
                                                  .toLocalTime()
                                                  .toString(QStringLiteral("HH:mm:ss")) };
                     });
}

int egressAnswerCommand(CliContext &ctx, const QStringList &args)
{
    if (args.size() != 2)
        return usageError(QStringLiteral("usage: paddock egress answer QUESTION allow-once|allow-always|deny-once|deny-always"));
    auto r = ctx.api.call("POST", QStringLiteral("/v1/egress/questions/%1/answer").arg(urlEncoded(args[0])),
                          QJsonObject { { QStringLiteral("answer"), args[1] } });
    return r ? 0 : reportError(r.error());
}

} // namespace paddock::cli
