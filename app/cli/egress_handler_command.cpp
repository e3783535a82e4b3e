// `paddock egress handler SB|--global PATTERN FILE.js [--secret NAME]…`:
// an inspect rule whose requests a JavaScript handler decides. The script
// is read here and kept in the rule, so editing the file later changes
// nothing until the command runs again — which replaces the handler of
// the rule with the same pattern, port, method and path in place (new
// requests get it; open connections stay up).
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include "paddock/egress.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QUrl>

namespace paddock::cli {

namespace {

const QString kGlobal = QStringLiteral("--global");
constexpr qint64 kMaxScriptFile = 256 * 1024;

QString usage()
{
    return QStringLiteral(
        "usage: paddock egress handler SB|--global PATTERN FILE.js [--secret NAME]… [--port N] "
        "[--method M] [--path /GLOB] [--at POSITION]");
}

Result<EgressHandler> readHandler(const QString &file, const QStringList &secrets)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("cannot read %1: %2").arg(file, f.errorString()));
    const QByteArray source = f.read(kMaxScriptFile + 1);
    EgressHandler h { QFileInfo(file).fileName(), QString::fromUtf8(source), secrets };
    if (auto ok = validateEgressHandler(h); !ok) return tl::unexpected(ok.error());
    return h;
}


// Why the script does not load (a syntax error, no handle()), checked by
// running it once as `egress try-handler` would; empty when it loads. What
// it does with a real request is not judged here.
QString loadProblem(CliContext &ctx, EgressHandler handler, const QString &pattern)
{
    handler.secrets.clear(); // they may be set only later; loading does not need them
    const QString host = pattern.startsWith(QStringLiteral("*."))
        ? QStringLiteral("check") + pattern.mid(1)
        : pattern;
    auto r = ctx.api.call("POST", QStringLiteral("/v1/egress/handlers/try"),
        QJsonObject { { QStringLiteral("handler"), egressHandlerToJson(handler) },
            { QStringLiteral("request"),
                QJsonObject {
                    { QStringLiteral("url"), QStringLiteral("https://%1/").arg(host) } } } });
    if (r && r->value(QStringLiteral("stage")).toString() == QLatin1String("compile"))
        return r->value(QStringLiteral("error")).toString();
    return {};
}

} // namespace

int egressHandlerCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args,
        { QStringLiteral("--secret"), QStringLiteral("--port"), QStringLiteral("--method"),
            QStringLiteral("--path"), QStringLiteral("--at") },
        { QStringLiteral("--json"), kGlobal });
    const bool global = a.flags.contains(kGlobal);
    if (!a.error.isEmpty() || a.positional.size() != (global ? 2 : 3))
        return usageError(a.error.isEmpty() ? usage() : a.error);
    const QString scope = global ? QString() : a.positional[0];
    auto handler = readHandler(a.positional.last(), a.all(QStringLiteral("--secret")));
    if (!handler) return usageError(handler.error().message);

    QJsonObject body { { QStringLiteral("pattern"), a.positional[a.positional.size() - 2] },
        { QStringLiteral("action"), QStringLiteral("inspect") },
        { QStringLiteral("handler"), egressHandlerToJson(*handler) } };
    if (!scope.isEmpty()) body.insert(QStringLiteral("sandbox"), scope);
    if (auto ok = putRuleScope(a, body); !ok) return usageError(ok.error().message);

    if (auto problem = loadProblem(ctx, *handler, body.value(QStringLiteral("pattern")).toString());
        !problem.isEmpty())
        return reportError(Error { ErrorCode::InvalidArgument,
            QStringLiteral("%1 does not load, so it was not installed: %2")
                .arg(handler->name, problem),
            {} });
    Result<QJsonObject> r;
    QString done;
    if (auto existing = sameInspectRule(ctx, scope, body)) {
        body.insert(QStringLiteral("inject"), existing->value(QStringLiteral("inject")));
        body.insert(QStringLiteral("reason"), existing->value(QStringLiteral("reason")));
        r = rewriteRule(ctx, a, scope, *existing, body);
        done = (existing->value(QStringLiteral("handler")).isObject()
                ? QStringLiteral("replaced the handler of rule %1")
                : QStringLiteral("set the handler of rule %1"))
                   .arg(existing->value(QStringLiteral("id")).toInteger());
    } else {
        if (a.values.contains(QStringLiteral("--at")))
            body.insert(QStringLiteral("position"), a.value(QStringLiteral("--at")).toInt() - 1);
        r = ctx.api.call("POST", QStringLiteral("/v1/egress/rules"), body);
    }
    if (!r) return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json")))
        printJson(*r);
    else
        printLine(
            done.isEmpty() ? QString::number(r->value(QStringLiteral("id")).toInteger()) : done);
    warnIfShadowed(ctx, scope, r->value(QStringLiteral("id")).toInteger());
    warnAboutUnsetSecrets(ctx, handler->secrets);
    return 0;
}

namespace {

void printMessage(const QJsonObject &m)
{
    for (const QJsonValue &h : m.value(QStringLiteral("headers")).toArray())
        printLine(QStringLiteral("  %1: %2").arg(h[0].toString(), h[1].toString()));
    const QString body = m.contains(QStringLiteral("bodyBase64"))
        ? QStringLiteral("(%1 bytes, not text)")
              .arg(QByteArray::fromBase64(
                  m.value(QStringLiteral("bodyBase64")).toString().toLatin1())
                       .size())
        : m.value(QStringLiteral("body")).toString();
    if (body.isEmpty()) return;
    printLine(QString()); // a blank line, then the body line by line (printLine shows control bytes
                          // escaped)
    for (const QString &line : body.split(u'\n'))
        printLine(line);
}

} // namespace

// `paddock egress try-handler FILE.js …`: what the handler would do with a
// sample request, run as the gate runs it (the real secrets, masked in the
// report); exits 1 when the handler fails.
int egressTryHandlerCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args,
        { QStringLiteral("--secret"), QStringLiteral("--method"), QStringLiteral("--url"),
            QStringLiteral("--header"), QStringLiteral("--body") },
        { QStringLiteral("--json") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty()
                ? QStringLiteral("usage: paddock egress try-handler FILE.js [--secret NAME]… "
                                 "[--method M] [--url https://HOST/PATH] [--header 'Name: value']… "
                                 "[--body TEXT] [--json]")
                : a.error);
    auto handler = readHandler(a.positional[0], a.all(QStringLiteral("--secret")));
    if (!handler) return usageError(handler.error().message);
    QJsonArray headers;
    for (const QString &h : a.all(QStringLiteral("--header"))) {
        const qsizetype colon = h.indexOf(u':');
        if (colon <= 0)
            return usageError(
                QStringLiteral("--header takes 'Name: value', not '%1'").arg(h.left(60)));
        headers.append(QJsonArray { h.left(colon).trimmed(), h.mid(colon + 1).trimmed() });
    }
    const QJsonObject sample { { QStringLiteral("method"),
                                   a.value(QStringLiteral("--method"), QStringLiteral("GET")) },
        { QStringLiteral("url"),
            a.value(QStringLiteral("--url"), QStringLiteral("https://api.example.com/")) },
        { QStringLiteral("headers"), headers },
        { QStringLiteral("body"), a.value(QStringLiteral("--body")) } };
    auto r = ctx.api.call("POST", QStringLiteral("/v1/egress/handlers/try"),
        QJsonObject { { QStringLiteral("handler"), egressHandlerToJson(*handler) },
            { QStringLiteral("request"), sample } });
    if (!r) return reportError(r.error());
    const QString outcome = r->value(QStringLiteral("outcome")).toString();
    if (a.flags.contains(QStringLiteral("--json"))) {
        printJson(*r);
    } else {
        for (const QJsonValue &line : r->value(QStringLiteral("logs")).toArray())
            printLine(QStringLiteral("console: ") + line.toString());
        if (outcome == QLatin1String("send")) {
            const QJsonObject sent = r->value(QStringLiteral("request")).toObject();
            printLine(QStringLiteral("send %1 %2")
                          .arg(sent.value(QStringLiteral("method")).toString(),
                              sent.value(QStringLiteral("url")).toString()));
            printMessage(sent);
        } else if (outcome == QLatin1String("respond")) {
            const QJsonObject answer = r->value(QStringLiteral("response")).toObject();
            printLine(
                QStringLiteral("respond %1").arg(answer.value(QStringLiteral("status")).toInt()));
            printMessage(answer);
        } else if (outcome == QLatin1String("deny")) {
            printLine(QStringLiteral("deny: ") + r->value(QStringLiteral("reason")).toString());
        } else {
            printLine(QStringLiteral("error: ") + r->value(QStringLiteral("error")).toString());
        }
    }
    return outcome == QLatin1String("error") ? 1 : 0;
}

} // namespace paddock::cli
