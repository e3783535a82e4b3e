// `paddock egress …`: a sandbox's egress rules, host overrides, trusted
// upstream CAs and the forward proxy (the log and questions:
// egress_log_commands.cpp; handlers: egress_handler_command.cpp). SB may be --global for
// the rules every sandbox falls back to.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include "paddock/egress.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <functional>

namespace paddock::cli {

int printList(CliContext &ctx, const QString &target, bool json, const char *key, const QStringList &header,
              const std::function<QStringList(const QJsonObject &)> &row)
{
    auto r = ctx.api.call("GET", target);
    if (!r)
        return reportError(r.error());
    if (json) {
        printJson(*r);
        return 0;
    }
    QList<QStringList> rows;
    for (const QJsonValue &v : r->value(QString::fromLatin1(key)).toArray())
        rows.append(row(v.toObject()));
    printTable(header, rows);
    return 0;
}

namespace {

const QString kGlobal = QStringLiteral("--global");

QString scopeQuery(const QString &scope) { return scope.isEmpty() ? QString() : QStringLiteral("?sandbox=") + urlEncoded(scope); }

QString ruleNote(const QJsonObject &o)
{
    QString note = o.value(QStringLiteral("reason")).toString();
    const auto add = [&note](const QString &more) { note = (note.isEmpty() ? QString() : note + QStringLiteral("; ")) + more; };
    if (o.contains(QStringLiteral("shadowedBy")))
        add(QStringLiteral("never decides: rule %1 before it matches first").arg(o.value(QStringLiteral("shadowedBy")).toInteger()));
    QStringList hidden;
    for (const QJsonValue &g : o.value(QStringLiteral("hidesGlobal")).toArray())
        hidden.append(QString::number(g.toObject().value(QStringLiteral("id")).toInteger()));
    if (!hidden.isEmpty()) add(QStringLiteral("hides global rule %1 here").arg(hidden.join(QStringLiteral(", "))));
    return note;
}

QStringList ruleRow(const QJsonObject &o, int number)
{
    const int port = o.value(QStringLiteral("port")).toInt();
    const QString method = o.value(QStringLiteral("method")).toString(), path = o.value(QStringLiteral("path")).toString();
    const QString request = method.isEmpty() && path.isEmpty()
        ? QStringLiteral("any")
        : (method.isEmpty() ? QStringLiteral("*") : method) + u' ' + (path.isEmpty() ? QStringLiteral("/*") : path);
    QStringList injected;
    for (const QJsonValue &i : o.value(QStringLiteral("inject")).toArray())
        injected.append((i[QStringLiteral("kind")].toString() == QLatin1String("query") ? QStringLiteral("?") : QString())
                        + i[QStringLiteral("name")].toString());
    if (const QJsonObject handler = o.value(QStringLiteral("handler")).toObject(); !handler.isEmpty())
        injected.append(handler.value(QStringLiteral("name")).toString() + u'('
            + handler.value(QStringLiteral("secrets")).toVariant().toStringList().join(QStringLiteral(", ")) + u')');
    return { QString::number(number), QString::number(o.value(QStringLiteral("id")).toInteger()),
             o.value(QStringLiteral("action")).toString(), o.value(QStringLiteral("pattern")).toString(),
             port ? QString::number(port) : QStringLiteral("any"), request, injected.join(QStringLiteral(", ")),
             ruleNote(o) };
}

int rulesCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--json"), kGlobal });
    const bool global = a.flags.contains(kGlobal);
    if (!a.error.isEmpty() || a.positional.size() != (global ? 0 : 1))
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress rules SB|--global [--json]") : a.error);
    int number = 0;
    return printList(ctx, QStringLiteral("/v1/egress/rules") + scopeQuery(global ? QString() : a.positional[0]),
                     a.flags.contains(QStringLiteral("--json")), "rules",
                     { QStringLiteral("#"), QStringLiteral("ID"), QStringLiteral("ACTION"), QStringLiteral("PATTERN"),
                       QStringLiteral("PORT"), QStringLiteral("HTTP"), QStringLiteral("INJECTS"), QStringLiteral("REASON") },
                     [&](const QJsonObject &o) { return ruleRow(o, ++number); });
}

// A value with no secret in it is kept as typed: a credential pasted in
// (or expanded by the shell from "$TOKEN") would be in the rule for anyone
// to read and, not being a secret, never masked in what comes back.
void warnIfNoSecret(const QString &field, const QString &value)
{
    // Anything like a reference, mistyped ones included: the engine checks
    // those and says what is wrong, so a note here would contradict it.
    static const QRegularExpression reference(QStringLiteral("\\{\\s*\\{?\\s*secrets?\\."));
    if (value.contains(reference)) return;
    (void)writeRaw(2, QStringLiteral("note: %1 names no {{secret.NAME}}: its value is stored in the rule as typed, shown by "
                                     "`egress rules --json` and not masked in responses. A credential belongs in "
                                     "`paddock secret set NAME`\n")
                          .arg(field)
                          .toUtf8());
}

// The API's inject list as the flags that would set it again, so a
// replaced list can be put back: --header 'Name: value' --query name=value.
QString injectionFlags(const QJsonArray &inject)
{
    QStringList flags;
    for (const QJsonValue &i : inject) {
        const QString name = i[QStringLiteral("name")].toString(), value = i[QStringLiteral("value")].toString();
        flags << (i[QStringLiteral("kind")].toString() == QLatin1String("query")
                ? QStringLiteral("--query '%1=%2'").arg(name, value)
                : QStringLiteral("--header '%1: %2'").arg(name, value));
    }
    return flags.isEmpty() ? QStringLiteral("none") : flags.join(u' ');
}

// --header 'Name: value' and --query name=value, as the API's inject list.
Result<QJsonArray> injections(const CliArgs &a)
{
    QJsonArray list;
    for (const QString &h : a.all(QStringLiteral("--header"))) {
        const qsizetype colon = h.indexOf(u':');
        if (colon <= 0)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--header takes 'Name: value', not '%1'").arg(h.left(60)));
        list.append(QJsonObject { { QStringLiteral("kind"), QStringLiteral("header") },
                                  { QStringLiteral("name"), h.left(colon).trimmed() },
                                  { QStringLiteral("value"), h.mid(colon + 1).trimmed() } });
        warnIfNoSecret(h.left(colon).trimmed(), h.mid(colon + 1));
    }
    for (const QString &q : a.all(QStringLiteral("--query"))) {
        const qsizetype eq = q.indexOf(u'=');
        if (eq <= 0)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--query takes name=value, not '%1'").arg(q.left(60)));
        list.append(QJsonObject { { QStringLiteral("kind"), QStringLiteral("query") },
                                  { QStringLiteral("name"), q.left(eq) },
                                  { QStringLiteral("value"), q.mid(eq + 1) } });
        warnIfNoSecret(QStringLiteral("?") + q.left(eq), q.mid(eq + 1));
    }
    return list;
}

} // namespace

// --port, --method and --path into a rule's JSON.
Result<void> putRuleScope(const CliArgs &a, QJsonObject &body)
{
    if (a.values.contains(QStringLiteral("--port"))) {
        bool ok = false;
        const int port = a.value(QStringLiteral("--port")).toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--port takes 1 to 65535"));
        body.insert(QStringLiteral("port"), port);
    }
    // An empty value (an unset shell variable) would widen the rule to
    // every method or path: refused, not read as "any".
    for (const QString &option : { QStringLiteral("--method"), QStringLiteral("--path") }) {
        if (!a.values.contains(option))
            continue;
        if (a.value(option).isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("%1 is empty; leave it out to mean any").arg(option));
        body.insert(option.mid(2), a.value(option));
    }
    return {};
}

// A rule may name a secret not set yet (it is set next); requests fail
// until it is, so say so now rather than at the first 502.
std::optional<QJsonObject> sameInspectRule(
    CliContext &ctx, const QString &scope, const QJsonObject &wanted)
{
    auto r = ctx.api.call("GET",
        QStringLiteral("/v1/egress/rules")
            + (scope.isEmpty() ? QString()
                               : QStringLiteral("?sandbox=")
                        + QString::fromLatin1(QUrl::toPercentEncoding(scope))));
    if (!r) return std::nullopt;
    for (const QJsonValue &v : r->value(QStringLiteral("rules")).toArray()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("action")).toString() == QLatin1String("inspect")
            && o.value(QStringLiteral("pattern")).toString()
                == canonicalEgressPattern(wanted.value(QStringLiteral("pattern")).toString())
            && o.value(QStringLiteral("port")).toInt()
                == wanted.value(QStringLiteral("port")).toInt()
            && o.value(QStringLiteral("method")).toString()
                == wanted.value(QStringLiteral("method")).toString().trimmed().toUpper()
            && o.value(QStringLiteral("path")).toString()
                == wanted.value(QStringLiteral("path")).toString())
            return o;
    }
    return std::nullopt;
}

Result<QJsonObject> rewriteRule(
    CliContext &ctx, const CliArgs &a, const QString &scope, const QJsonObject &existing, const QJsonObject &body)
{
    const QString id = QString::number(existing.value(QStringLiteral("id")).toInteger());
    auto r = ctx.api.call("PUT", QStringLiteral("/v1/egress/rules/") + id, body);
    if (!r || !a.values.contains(QStringLiteral("--at"))) return r;
    auto moved = ctx.api.call("POST", QStringLiteral("/v1/egress/rules/") + id + QStringLiteral("/move"),
        QJsonObject { { QStringLiteral("sandbox"), scope },
            { QStringLiteral("position"), a.value(QStringLiteral("--at")).toInt() - 1 } });
    if (!moved) return tl::unexpected(moved.error());
    return r;
}

// Whether two rules say the same, whatever their IDs and places.
bool sameRule(QJsonObject a, QJsonObject b)
{
    for (const QString &key : { QStringLiteral("id"), QStringLiteral("shadowedBy"), QStringLiteral("hidesGlobal") }) {
        a.remove(key);
        b.remove(key);
    }
    return a == b;
}

QJsonObject ruleWithId(const QJsonArray &list, qint64 id)
{
    for (const QJsonValue &v : list)
        if (v.toObject().value(QStringLiteral("id")).toInteger() == id) return v.toObject();
    return {};
}

// A sandbox's rules decide before the global ones: one added there may
// take a global rule's place (and, with it, the credentials it injects).
void warnIfHidesGlobal(const QJsonObject &added, const QString &scope)
{
    for (const QJsonValue &v : added.value(QStringLiteral("hidesGlobal")).toArray()) {
        const QJsonObject g = v.toObject();
        const bool injects = !g.value(QStringLiteral("inject")).toArray().isEmpty()
            || !g.value(QStringLiteral("handler")).toObject().isEmpty();
        (void)writeRaw(2, QStringLiteral("warning: in %1, rule %2 hides global rule %3 (%4 %5): a sandbox's rules "
                                         "decide first, and this one matches every request it would%6\n")
                              .arg(scope)
                              .arg(added.value(QStringLiteral("id")).toInteger())
                              .arg(g.value(QStringLiteral("id")).toInteger())
                              .arg(g.value(QStringLiteral("action")).toString(), g.value(QStringLiteral("pattern")).toString(),
                                  injects ? QStringLiteral(", so what it injects is not sent from this sandbox") : QString())
                              .toUtf8());
    }
}

void warnIfShadowed(CliContext &ctx, const QString &scope, qint64 id)
{
    auto rules = ctx.api.call("GET", QStringLiteral("/v1/egress/rules") + scopeQuery(scope));
    if (!rules) return;
    const QJsonArray list = rules->value(QStringLiteral("rules")).toArray();
    warnIfHidesGlobal(ruleWithId(list, id), scope);
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject o = list[i].toObject();
        if (!o.contains(QStringLiteral("shadowedBy"))) continue;
        const qint64 rule = o.value(QStringLiteral("id")).toInteger(), by = o.value(QStringLiteral("shadowedBy")).toInteger();
        if (rule == id && sameRule(o, ruleWithId(list, by))) // added twice
            (void)writeRaw(2, QStringLiteral("warning: rule %1 repeats rule %2, which already decides every request it "
                                             "would; remove it with `paddock egress rm %3 %1`\n")
                                  .arg(id)
                                  .arg(by)
                                  .arg(scope.isEmpty() ? kGlobal : scope)
                                  .toUtf8());
        else if (rule == id) // added behind one that decides for it
            (void)writeRaw(2, QStringLiteral("warning: rule %1 never decides anything: rule %2 before it matches every "
                                             "request it would (the first match wins). Put it first with "
                                             "`paddock egress move %3 %1 1`\n")
                                  .arg(id)
                                  .arg(by)
                                  .arg(scope.isEmpty() ? kGlobal : scope)
                                  .toUtf8());
        else if (by == id) // added in front of one it now hides (an inject rule's credentials stop)
            (void)writeRaw(2, QStringLiteral("warning: rule %1 (%2 %3) no longer decides anything: rule %4, now before "
                                             "it, matches every request it would\n")
                                  .arg(rule)
                                  .arg(o.value(QStringLiteral("action")).toString(), o.value(QStringLiteral("pattern")).toString())
                                  .arg(id)
                                  .toUtf8());
    }
}

void warnAboutUnsetSecrets(CliContext &ctx, const QStringList &names)
{
    auto secrets = ctx.api.call("GET", QStringLiteral("/v1/secrets"));
    if (!secrets)
        return;
    QStringList set;
    for (const QJsonValue &s : secrets->value(QStringLiteral("secrets")).toArray())
        set.append(s[QStringLiteral("name")].toString());
    for (const QString &name : names)
        if (!set.contains(name))
            (void)writeRaw(2, QStringLiteral("warning: no secret named %1 yet: its requests fail until `paddock secret set %1`\n")
                                  .arg(name)
                                  .toUtf8());
}

namespace {

// `verb` is the rule's action, or "inject": an inspect rule that must inject.
int addRuleCommand(CliContext &ctx, const QString &verb, const QStringList &args)
{
    const bool inspects = verb == QLatin1String("inspect") || verb == QLatin1String("inject");
    QSet<QString> options { QStringLiteral("--port"), QStringLiteral("--reason"), QStringLiteral("--at"),
                            QStringLiteral("--method"), QStringLiteral("--path") };
    if (inspects)
        options += { QStringLiteral("--header"), QStringLiteral("--query") };
    if (!inspects && (args.contains(QStringLiteral("--header")) || args.contains(QStringLiteral("--query"))))
        return usageError(QStringLiteral("--header and --query belong to `paddock egress inject`: an %1 rule does not read "
                                         "requests, so it cannot add to them")
                              .arg(verb));
    CliArgs a = parseArgs(args, options, { QStringLiteral("--json"), kGlobal });
    const bool global = a.flags.contains(kGlobal);
    const QString injectUsage = inspects ? QStringLiteral(" [--header 'Name: {{secret.X}}']… [--query name={{secret.X}}]…") : QString();
    if (!a.error.isEmpty() || a.positional.size() != (global ? 1 : 2))
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress %1 SB|--global PATTERN [--port N] "
                                                             "[--method M] [--path /GLOB] [--reason TEXT] [--at POSITION]%2")
                                                  .arg(verb, injectUsage)
                                            : a.error);
    const QString action = inspects ? QStringLiteral("inspect") : verb;
    QJsonObject body { { QStringLiteral("pattern"), a.positional.last() }, { QStringLiteral("action"), action } };
    if (inspects) {
        auto inject = injections(a);
        if (!inject)
            return usageError(inject.error().message);
        if (verb == QLatin1String("inject") && inject->isEmpty())
            return usageError(QStringLiteral("paddock egress inject needs a --header or a --query to inject"));
        body.insert(QStringLiteral("inject"), *inject);
    }
    if (!global)
        body.insert(QStringLiteral("sandbox"), a.positional[0]);
    if (auto ok = putRuleScope(a, body); !ok)
        return usageError(ok.error().message);
    if (a.values.contains(QStringLiteral("--reason")))
        body.insert(QStringLiteral("reason"), a.value(QStringLiteral("--reason")));
    // inject again for the same host, port and request: the rule's
    // injections are replaced (as `egress handler` replaces its script),
    // never shadowed by a second rule the first one would hide.
    Result<QJsonObject> r;
    const QString scope = global ? QString() : a.positional[0];
    if (auto existing = verb == QLatin1String("inject") ? sameInspectRule(ctx, scope, body) : std::nullopt) {
        body.insert(QStringLiteral("handler"), existing->value(QStringLiteral("handler")));
        if (!a.values.contains(QStringLiteral("--reason")))
            body.insert(QStringLiteral("reason"), existing->value(QStringLiteral("reason")));
        r = rewriteRule(ctx, a, scope, *existing, body);
        if (r) // stdout still says just its ID, as for a new rule
            (void)writeRaw(2, QStringLiteral("replaced the injections of rule %1 (it had %2)\n")
                                  .arg(existing->value(QStringLiteral("id")).toInteger())
                                  .arg(injectionFlags(existing->value(QStringLiteral("inject")).toArray()))
                                  .toUtf8());
    } else {
        if (a.values.contains(QStringLiteral("--at")))
            body.insert(QStringLiteral("position"), a.value(QStringLiteral("--at")).toInt() - 1);
        r = ctx.api.call("POST", QStringLiteral("/v1/egress/rules"), body);
    }
    if (!r)
        return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json")))
        printJson(*r);
    else
        printLine(QString::number(r->value(QStringLiteral("id")).toInteger()));
    warnIfShadowed(ctx, scope, r->value(QStringLiteral("id")).toInteger());
    if (inspects)
        warnAboutUnsetSecrets(
            ctx, injectedSecretNames(egressInjectionsFromJson(body.value(QStringLiteral("inject"))).value_or(EgressInjections())));
    return 0;
}

int removeRuleCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { kGlobal });
    const bool global = a.flags.contains(kGlobal);
    if (!a.error.isEmpty() || a.positional.size() != (global ? 1 : 2))
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress rm SB|--global RULE-ID") : a.error);
    auto r = ctx.api.call("DELETE", QStringLiteral("/v1/egress/rules/") + urlEncoded(a.positional.last())
                                        + scopeQuery(global ? QString() : a.positional[0]));
    return r ? 0 : reportError(r.error());
}

int moveRuleCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { kGlobal });
    const bool global = a.flags.contains(kGlobal);
    bool ok = false;
    const int position = a.positional.isEmpty() ? 0 : a.positional.last().toInt(&ok);
    if (!a.error.isEmpty() || a.positional.size() != (global ? 2 : 3) || !ok || position < 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress move SB|--global RULE-ID POSITION (1 = first)") : a.error);
    QJsonObject body { { QStringLiteral("position"), position - 1 } };
    if (!global)
        body.insert(QStringLiteral("sandbox"), a.positional[0]);
    auto r = ctx.api.call("POST", QStringLiteral("/v1/egress/rules/%1/move").arg(urlEncoded(a.positional[global ? 0 : 1])), body);
    return r ? 0 : reportError(r.error());
}

// `paddock egress trust-ca FILE | --list | --rm FINGERPRINT`
int trustCaCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--rm") }, { QStringLiteral("--list"), QStringLiteral("--json") });
    const bool list = a.flags.contains(QStringLiteral("--list")), remove = a.values.contains(QStringLiteral("--rm"));
    if (!a.error.isEmpty() || int(list) + int(remove) + int(!a.positional.isEmpty()) != 1 || a.positional.size() > 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress trust-ca FILE | --list [--json] | --rm FINGERPRINT") : a.error);
    const QStringList header { QStringLiteral("FINGERPRINT (SHA-256)"), QStringLiteral("SUBJECT"), QStringLiteral("EXPIRES") };
    const auto row = [](const QJsonObject &o) {
        return QStringList { o.value(QStringLiteral("fingerprint")).toString(), o.value(QStringLiteral("subject")).toString(),
                             o.value(QStringLiteral("notAfter")).toString().left(10) };
    };
    if (list)
        return printList(ctx, QStringLiteral("/v1/egress/trusted-cas"), a.flags.contains(QStringLiteral("--json")), "cas", header, row);
    if (remove) {
        auto r = ctx.api.call("DELETE", QStringLiteral("/v1/egress/trusted-cas/") + urlEncoded(a.value(QStringLiteral("--rm"))));
        return r ? 0 : reportError(r.error());
    }
    QFile file(a.positional[0]);
    constexpr qint64 kMaxPem = 256 * 1024;
    if (!file.open(QIODevice::ReadOnly))
        return reportError(Error { ErrorCode::NotFound, QStringLiteral("cannot read %1: %2").arg(a.positional[0], file.errorString()) });
    const QByteArray pem = file.read(kMaxPem + 1);
    if (pem.size() > kMaxPem)
        return reportError(Error { ErrorCode::InvalidArgument, QStringLiteral("%1 is larger than a CA file (256 KiB)").arg(a.positional[0]) });
    auto r = ctx.api.call("POST", QStringLiteral("/v1/egress/trusted-cas"), QJsonObject { { QStringLiteral("pem"), QString::fromUtf8(pem) } });
    if (!r)
        return reportError(r.error());
    for (const QJsonValue &v : r->value(QStringLiteral("cas")).toArray())
        printLine(QStringLiteral("trusted upstream: %1 (%2)").arg(v[QStringLiteral("subject")].toString(), v[QStringLiteral("fingerprint")].toString()));
    return 0;
}

int modeCommand(CliContext &ctx, const QStringList &args)
{
    if (args.size() != 2 || (args[1] != QLatin1String("ask-unlisted") && args[1] != QLatin1String("deny-unlisted")))
        return usageError(QStringLiteral("usage: paddock egress mode SB ask-unlisted|deny-unlisted"));
    auto r = ctx.api.call("PUT", QStringLiteral("/v1/egress/settings"),
                          QJsonObject { { QStringLiteral("sandbox"), args[0] },
                                        { QStringLiteral("askUnlisted"), args[1] == QLatin1String("ask-unlisted") } });
    return r ? 0 : reportError(r.error());
}

int resolveCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--rm") }, { QStringLiteral("--json") });
    if (!a.error.isEmpty())
        return usageError(a.error);
    if (a.values.contains(QStringLiteral("--rm"))) {
        auto r = ctx.api.call("DELETE", QStringLiteral("/v1/egress/overrides/") + urlEncoded(a.value(QStringLiteral("--rm"))));
        return r ? 0 : reportError(r.error());
    }
    if (a.positional.isEmpty())
        return printList(ctx, QStringLiteral("/v1/egress/overrides"), a.flags.contains(QStringLiteral("--json")), "overrides",
                         { QStringLiteral("NAME"), QStringLiteral("ADDRESS"), QStringLiteral("PORT") }, [](const QJsonObject &o) {
                             const int port = o.value(QStringLiteral("port")).toInt();
                             return QStringList { o.value(QStringLiteral("name")).toString(), o.value(QStringLiteral("address")).toString(),
                                                  port ? QString::number(port) : QStringLiteral("as asked") };
                         });
    if (a.positional.size() != 2)
        return usageError(QStringLiteral("usage: paddock egress resolve [NAME ADDR[:PORT] | --rm NAME]"));
    // ADDR[:PORT]; an IPv6 address with a port is written [ADDR]:PORT.
    QString addr = a.positional[1];
    int port = 0;
    const qsizetype colon = addr.lastIndexOf(u':');
    const bool bracketed = addr.startsWith(u'[');
    if (colon > 0 && (bracketed || addr.count(u':') == 1)) {
        bool ok = false;
        port = addr.mid(colon + 1).toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return usageError(QStringLiteral("'%1': the port must be 1 to 65535").arg(a.positional[1]));
        addr = addr.left(colon);
    }
    if (bracketed)
        addr = addr.mid(1, addr.size() - 2);
    auto r = ctx.api.call("PUT", QStringLiteral("/v1/egress/overrides/") + urlEncoded(a.positional[0]),
                          QJsonObject { { QStringLiteral("address"), addr }, { QStringLiteral("port"), port } });
    return r ? 0 : reportError(r.error());
}

int proxyCommand(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--no-proxy") }, { QStringLiteral("--off"), QStringLiteral("--environment") });
    const bool off = a.flags.contains(QStringLiteral("--off"));
    const bool env = a.flags.contains(QStringLiteral("--environment"));
    if (!a.error.isEmpty() || a.positional.size() > 1 || (a.positional.size() == 1 && (off || env)) || (off && env))
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock egress proxy [http://HOST:PORT [--no-proxy LIST] | --off | --environment]") : a.error);
    Result<QJsonObject> r;
    if (a.positional.isEmpty() && !off && !env) {
        r = ctx.api.call("GET", QStringLiteral("/v1/egress/proxy"));
    } else {
        const QString url = a.positional.value(0);
        r = ctx.api.call("PUT", QStringLiteral("/v1/egress/proxy"),
                         QJsonObject { { QStringLiteral("fromEnvironment"), env }, { QStringLiteral("https"), url },
                                       { QStringLiteral("http"), url }, { QStringLiteral("noProxy"), a.value(QStringLiteral("--no-proxy")) } });
    }
    if (!r)
        return reportError(r.error());
    const QString https = r->value(QStringLiteral("https")).toString();
    const QString source = r->value(QStringLiteral("fromEnvironment")).toBool() ? QStringLiteral(" (from the environment)") : QString();
    printLine(https.isEmpty() && r->value(QStringLiteral("http")).toString().isEmpty()
                  ? QStringLiteral("direct") + source
                  : QStringLiteral("%1%2, except %3").arg(https, source, r->value(QStringLiteral("noProxy")).toString()));
    return 0;
}

} // namespace

int egressCommand(CliContext &ctx, const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub == QLatin1String("rules"))
        return rulesCommand(ctx, rest);
    if (sub == QLatin1String("allow") || sub == QLatin1String("deny") || sub == QLatin1String("ask")
        || sub == QLatin1String("inspect") || sub == QLatin1String("inject"))
        return addRuleCommand(ctx, sub, rest);
    if (sub == QLatin1String("handler"))
        return egressHandlerCommand(ctx, rest);
    if (sub == QLatin1String("try-handler"))
        return egressTryHandlerCommand(ctx, rest);
    if (sub == QLatin1String("trust-ca"))
        return trustCaCommand(ctx, rest);
    if (sub == QLatin1String("rm"))
        return removeRuleCommand(ctx, rest);
    if (sub == QLatin1String("move"))
        return moveRuleCommand(ctx, rest);
    if (sub == QLatin1String("mode"))
        return modeCommand(ctx, rest);
    if (sub == QLatin1String("log"))
        return egressLogCommand(ctx, rest);
    if (sub == QLatin1String("pending"))
        return egressPendingCommand(ctx, rest);
    if (sub == QLatin1String("answer"))
        return egressAnswerCommand(ctx, rest);
    if (sub == QLatin1String("resolve"))
        return resolveCommand(ctx, rest);
    if (sub == QLatin1String("proxy"))
        return proxyCommand(ctx, rest);
    return usageError(QStringLiteral(
        "usage: paddock egress rules|allow|deny|ask|inspect|inject|handler|try-handler|rm|move|mode|log|pending|answer|resolve|proxy|trust-ca …"));
}

} // namespace paddock::cli
