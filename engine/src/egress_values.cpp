// Names, validation and descriptions of paddock/egress.h, shared by the
// engine and the CLI.
#include "paddock/egress.h"

#include "egress/inject/secret_template.h"

#include <QJsonObject>

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace paddock {

namespace {

constexpr int kMaxHostLength = 253;
constexpr int kMaxLabelLength = 63;
constexpr int kMaxPathPattern = 2000;
constexpr int kMaxInjections = 16;
constexpr int kMaxInjectionName = 100;

// Set by the gate or describing one hop (see http_request_framer.cpp).
constexpr std::array<const char *, 13> kReservedHeaders = { "host", "connection", "keep-alive",
    "proxy-connection", "te", "transfer-encoding", "content-length", "trailer", "upgrade",
    "http2-settings", "expect", "proxy-authorization", "proxy-authenticate" };

bool isHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

bool isLabelChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
}

bool isAddress(const QString &text)
{
    QByteArray latin = text.toLatin1();
    unsigned char buf[16];
    return inet_pton(AF_INET, latin.constData(), buf) == 1
        || inet_pton(AF_INET6, latin.constData(), buf) == 1;
}

bool isCidr(const QString &text)
{
    qsizetype slash = text.indexOf(u'/');
    if (slash < 0) return false;
    const QString addr = text.left(slash);
    bool ok = false;
    int bits = text.mid(slash + 1).toInt(&ok);
    int maxBits = addr.contains(u':') ? 128 : 32;
    return ok && bits >= 0 && bits <= maxBits && isAddress(addr);
}

} // namespace

QString canonicalEgressPattern(const QString &typed)
{
    QString pattern = typed.trimmed().toLower();
    if (pattern.size() > 1 && pattern.endsWith(u'.')) pattern.chop(1);
    return pattern;
}

namespace {

// Whether every name `later` matches, `earlier` matches too.
bool patternCovers(const QString &earlier, const QString &later)
{
    if (earlier == later || earlier == QStringLiteral("*")) return true;
    if (!earlier.startsWith(QStringLiteral("*.")) || isAddressPattern(later)) return false;
    const QString below = earlier.mid(1); // ".x.com": names below x.com end with it
    const QString name = later.startsWith(QStringLiteral("*.")) ? later.mid(1) : later;
    return name.endsWith(below) && name.size() > below.size();
}

bool ruleCovers(const EgressRule &earlier, const EgressRule &later)
{
    return patternCovers(earlier.pattern, later.pattern) && (earlier.port == 0 || earlier.port == later.port)
        && (earlier.method.isEmpty() || earlier.method == later.method)
        && (earlier.path.isEmpty() || earlier.path == QStringLiteral("/*") || earlier.path == later.path);
}

} // namespace

std::optional<qint64> shadowingEgressRule(const QList<EgressRule> &ordered, qsizetype index)
{
    for (qsizetype i = 0; i < index && index < ordered.size(); ++i)
        if (ruleCovers(ordered[i], ordered[index])) return ordered[i].id;
    return std::nullopt;
}

QList<EgressRule> egressRulesHiddenBy(const EgressRule &rule, const QList<EgressRule> &later)
{
    QList<EgressRule> hidden;
    for (const EgressRule &r : later)
        if (ruleCovers(rule, r)) hidden.append(r);
    return hidden;
}

bool isValidHostName(const QString &name)
{
    if (name.isEmpty() || name.size() > kMaxHostLength) return false;
    const QStringList labels = name.split(u'.');
    for (const QString &label : labels) {
        if (label.isEmpty() || label.size() > kMaxLabelLength) return false;
        for (QChar c : label)
            if (!isLabelChar(c)) return false;
    }
    return true;
}

bool isAddressPattern(const QString &pattern)
{
    return isAddress(pattern) || isCidr(pattern);
}

bool isReservedInjectionHeader(const QString &name)
{
    const QString lower = name.toLower();
    for (const char *reserved : kReservedHeaders)
        if (lower == QLatin1String(reserved)) return true;
    return false;
}

QJsonArray egressInjectionsToJson(const EgressInjections &inject)
{
    QJsonArray list;
    for (const EgressInjection &i : inject)
        list.append(
            QJsonObject { { QStringLiteral("kind"),
                              i.kind == EgressInjection::Kind::Query ? QStringLiteral("query")
                                                                     : QStringLiteral("header") },
                { QStringLiteral("name"), i.name }, { QStringLiteral("value"), i.value } });
    return list;
}

Result<EgressInjections> egressInjectionsFromJson(const QJsonValue &json)
{
    EgressInjections inject;
    if (json.isUndefined() || json.isNull()) return inject;
    if (!json.isArray())
        return fail(
            ErrorCode::InvalidArgument, QStringLiteral("inject is a list of {kind, name, value}"));
    for (const QJsonValue &item : json.toArray()) {
        const QJsonObject o = item.toObject();
        const QString kind = o.value(QStringLiteral("kind")).toString(QStringLiteral("header"));
        if (kind != QLatin1String("header") && kind != QLatin1String("query"))
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("an injection's kind is header or query"));
        if (!o.value(QStringLiteral("name")).isString()
            || !o.value(QStringLiteral("value")).isString())
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("an injection has a name and a value (strings)"));
        inject.append({ kind == QLatin1String("query") ? EgressInjection::Kind::Query
                                                       : EgressInjection::Kind::Header,
            o.value(QStringLiteral("name")).toString(),
            o.value(QStringLiteral("value")).toString() });
    }
    return inject;
}

QStringList injectedSecretNames(const EgressInjections &inject)
{
    QStringList names;
    for (const EgressInjection &i : inject) {
        auto t = egress::SecretTemplate::parse(i.value.toStdString(), nullptr);
        if (!t) continue;
        for (const std::string &name : t->secretNames())
            if (!names.contains(QString::fromStdString(name)))
                names.append(QString::fromStdString(name));
    }
    return names;
}

QString egressActionName(EgressAction a)
{
    switch (a) {
    case EgressAction::Allow:
        return QStringLiteral("allow");
    case EgressAction::Ask:
        return QStringLiteral("ask");
    case EgressAction::Inspect:
        return QStringLiteral("inspect");
    case EgressAction::Deny:
        break;
    }
    return QStringLiteral("deny");
}

std::optional<EgressAction> egressActionFromName(const QString &name)
{
    for (EgressAction a :
        { EgressAction::Allow, EgressAction::Deny, EgressAction::Ask, EgressAction::Inspect })
        if (egressActionName(a) == name) return a;
    return std::nullopt;
}

QString egressVerdictName(EgressVerdict v)
{
    switch (v) {
    case EgressVerdict::Allowed:
        return QStringLiteral("allowed");
    case EgressVerdict::Redirected:
        return QStringLiteral("redirected");
    case EgressVerdict::Denied:
        break;
    }
    return QStringLiteral("denied");
}

std::optional<EgressVerdict> egressVerdictFromName(const QString &name)
{
    for (EgressVerdict v :
        { EgressVerdict::Allowed, EgressVerdict::Denied, EgressVerdict::Redirected })
        if (egressVerdictName(v) == name) return v;
    return std::nullopt;
}

QString egressAnswerName(EgressAnswer a)
{
    switch (a) {
    case EgressAnswer::AllowOnce:
        return QStringLiteral("allow-once");
    case EgressAnswer::AllowAlways:
        return QStringLiteral("allow-always");
    case EgressAnswer::DenyAlways:
        return QStringLiteral("deny-always");
    case EgressAnswer::DenyOnce:
        break;
    }
    return QStringLiteral("deny-once");
}

std::optional<EgressAnswer> egressAnswerFromName(const QString &name)
{
    for (EgressAnswer a : { EgressAnswer::AllowOnce, EgressAnswer::AllowAlways,
             EgressAnswer::DenyOnce, EgressAnswer::DenyAlways })
        if (egressAnswerName(a) == name) return a;
    return std::nullopt;
}

namespace {

bool isHeaderNameChar(QChar c)
{
    // RFC 9110 tchar
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || QStringLiteral("!#$%&'*+-.^_`|~").contains(c);
}

bool isQueryNameChar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || QStringLiteral("-._~[]").contains(c);
}

QString injectionLabel(const EgressInjection &i)
{
    return (i.kind == EgressInjection::Kind::Header ? QStringLiteral("header '%1'")
                                                    : QStringLiteral("query parameter '%1'"))
        .arg(i.name.left(kMaxInjectionName));
}

Result<void> validateInjection(const EgressInjection &i)
{
    const bool header = i.kind == EgressInjection::Kind::Header;
    if (i.name.isEmpty() || i.name.size() > kMaxInjectionName
        || !std::all_of(i.name.begin(), i.name.end(), header ? isHeaderNameChar : isQueryNameChar))
        return fail(ErrorCode::InvalidArgument,
            header ? QStringLiteral("'%1' is not a header name").arg(i.name.left(kMaxInjectionName))
                   : QStringLiteral(
                       "'%1' is not a query parameter name (letters, digits, '-', '.', '_', '~')")
                         .arg(i.name.left(kMaxInjectionName)));
    if (header && isReservedInjectionHeader(i.name))
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("the %1 header is Paddock's to write (framing, Host or one hop): a rule "
                           "cannot set it")
                .arg(i.name));
    for (QChar c : i.value)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("the %1 holds a control character").arg(injectionLabel(i)));
    // Other template syntaxes would go upstream as text: almost surely a slip.
    bool lookalike = i.value.contains(QLatin1String("${"));
    for (qsizetype at = i.value.indexOf(QLatin1String("{secret.")); at >= 0;
         at = i.value.indexOf(QLatin1String("{secret."), at + 1))
        lookalike |= at == 0 || i.value[at - 1] != u'{';
    if (lookalike)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("the %1 holds '${' or '{secret.', which would be sent as it is: a "
                           "secret is written {{secret.NAME}}")
                .arg(injectionLabel(i)));
    std::string error;
    auto parsed = egress::SecretTemplate::parse(i.value.toStdString(), &error);
    if (!parsed)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("the %1: %2").arg(injectionLabel(i), QString::fromStdString(error)));
    return {};
}

// Injections and a handler both hand secrets to what the rule names.
Result<void> validateCredentials(const EgressRule &rule)
{
    if (rule.inject.isEmpty() && rule.handler.isEmpty()) return {};
    if (rule.action != EgressAction::Inspect && rule.action != EgressAction::Allow)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("only an inspect (or allow) rule injects credentials or runs a handler, "
                           "not a %1 rule")
                .arg(egressActionName(rule.action)));
    if (!rule.handler.isEmpty())
        if (auto ok = validateEgressHandler(rule.handler); !ok) return ok;
    // The rule's pattern is where the secrets go: one the sandbox cannot
    // steer — not anywhere, not a block of addresses, not every name under
    // a top-level domain (*.com: any site there could register one).
    if (rule.pattern == QLatin1String("*")
        || (isAddressPattern(rule.pattern) && rule.pattern.contains(u'/'))
        || (rule.pattern.startsWith(QLatin1String("*.")) && !rule.pattern.mid(2).contains(u'.')))
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("a rule that injects secrets or runs a handler must name where they go "
                           "(api.example.com, "
                           "or *.example.com): "
                           "'%1' would send them wherever the sandbox connects")
                .arg(rule.pattern));
    if (rule.inject.size() > kMaxInjections)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("a rule injects at most %1 headers and parameters").arg(kMaxInjections));
    for (qsizetype n = 0; n < rule.inject.size(); ++n) {
        const EgressInjection &i = rule.inject[n];
        if (auto ok = validateInjection(i); !ok) return ok;
        for (qsizetype m = 0; m < n; ++m)
            if (rule.inject[m].kind == i.kind
                && rule.inject[m].name.compare(i.name,
                       i.kind == EgressInjection::Kind::Header ? Qt::CaseInsensitive
                                                               : Qt::CaseSensitive)
                    == 0)
                return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("the %1 is set twice").arg(injectionLabel(i)));
    }
    return {};
}

} // namespace

Result<void> validateEgressRule(const EgressRule &rule)
{
    const QString &p = rule.pattern;
    if (p.isEmpty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("a rule needs a pattern: a host name, *.domain, * or an IP address"));
    if (p != QStringLiteral("*") && !isAddressPattern(p)) {
        const QString name = p.startsWith(QStringLiteral("*.")) ? p.mid(2) : p;
        if (name.contains(u'*'))
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("'%1': '*' may only stand alone or start a pattern as '*.'").arg(p));
        if (!isValidHostName(name))
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("'%1' is not a host name (lower-case letters, digits, '-' and '_' "
                               "in dot-separated labels of 1–63), an IP address or a CIDR block")
                    .arg(p));
    }
    if (!rule.method.isEmpty()) {
        for (QChar c : rule.method)
            if (c < u'A' || c > u'Z')
                return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("'%1' is not an HTTP method (GET, POST, …)").arg(rule.method));
        if (rule.method.size() > 20)
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("'%1' is not an HTTP method").arg(rule.method));
    }
    if (!rule.path.isEmpty()) {
        if (!rule.path.startsWith(u'/'))
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("a path pattern starts with '/' (\"/repos/*\")"));
        if (rule.path.size() > kMaxPathPattern)
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("a path pattern is limited to %1 characters").arg(kMaxPathPattern));
        for (QChar c : rule.path)
            if (c.unicode() <= 0x20 || c.unicode() == 0x7f || c == u'?' || c == u'#')
                return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("a path pattern has no spaces, control characters, '?' or '#'"));
        // Requests are matched decoded and re-encoded one way (%61 is 'a'):
        // a '%' must start an escape, or the pattern would mean two things.
        for (qsizetype i = rule.path.indexOf(u'%'); i >= 0; i = rule.path.indexOf(u'%', i + 1))
            if (i + 2 >= rule.path.size() || !isHexDigit(rule.path[i + 1])
                || !isHexDigit(rule.path[i + 2]))
                return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("in a path pattern '%' starts an escape of two hex digits (%2A "
                                   "for a literal '*')"));
    }
    if (rule.reason.size() > 500)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("a rule's reason is limited to 500 characters"));
    return validateCredentials(rule);
}

QString describeEgressRule(const EgressRule &rule)
{
    QString text = egressActionName(rule.action) + u' ' + rule.pattern;
    if (rule.port != 0) text += u':' + QString::number(rule.port);
    if (!rule.method.isEmpty() || !rule.path.isEmpty())
        text += u' ' + (rule.method.isEmpty() ? QStringLiteral("*") : rule.method) + u' '
            + (rule.path.isEmpty() ? QStringLiteral("/*") : rule.path);
    if (!rule.handler.isEmpty())
        text += QStringLiteral(" via ")
            + (rule.handler.name.isEmpty() ? QStringLiteral("a handler") : rule.handler.name);
    return text;
}

Result<void> validateHostOverride(const HostOverride &o)
{
    if (!isValidHostName(o.name))
        return fail(
            ErrorCode::InvalidArgument, QStringLiteral("'%1' is not a host name").arg(o.name));
    if (!isAddress(o.address))
        return fail(
            ErrorCode::InvalidArgument, QStringLiteral("'%1' is not an IP address").arg(o.address));
    return {};
}

} // namespace paddock
