#include "rule_matcher.h"

#include "http_target.h"

namespace paddock::egress {

namespace {

bool nameMatches(const QString &pattern, const QString &host)
{
    if (pattern.startsWith(QStringLiteral("*.")))
        return host.size() > pattern.size() - 1 && host.endsWith(QStringView(pattern).mid(1));
    return host == pattern;
}

bool addressMatches(const QString &pattern, const QHostAddress &address)
{
    if (pattern.contains(u'/')) {
        auto subnet = QHostAddress::parseSubnet(pattern);
        return subnet.second >= 0 && address.isInSubnet(subnet);
    }
    return QHostAddress(pattern).isEqual(address, QHostAddress::TolerantConversion);
}

bool isHttpRule(const EgressRule &rule) { return !rule.method.isEmpty() || !rule.path.isEmpty(); }

// '*' matches any run of characters; everything else itself.
bool pathMatches(const QString &pattern, const QString &path)
{
    const QStringList parts = pattern.split(u'*');
    qsizetype at = 0;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &part = parts[i];
        if (i == 0) {
            if (!path.startsWith(part))
                return false;
            at = part.size();
        } else if (i == parts.size() - 1) {
            return path.size() - at >= part.size() && path.endsWith(part);
        } else {
            const qsizetype found = path.indexOf(part, at);
            if (found < 0)
                return false;
            at = found + part.size();
        }
    }
    return at == path.size();
}

// Servers answer HEAD with their GET handler: a rule for GET decides HEAD too.
bool methodMatches(const QString &ruleMethod, const QString &method)
{
    return ruleMethod.isEmpty() || ruleMethod == method
        || (ruleMethod == QLatin1String("GET") && method == QLatin1String("HEAD"));
}

// A path as lenient servers read it: letters in either case (Express, IIS),
// ";params" cut from each segment (Tomcat, Spring), trailing dots, spaces
// and a trailing slash dropped. Applied to both a rule's path and the
// request's, so "/Admin/", "/admin;x" and "/admin." all read "/admin".
QString lenientSpelling(const QString &path)
{
    QStringList segments = path.toLower().split(u'/');
    for (QString &segment : segments) {
        for (const QString &param : { QStringLiteral(";"), QStringLiteral("%3b") })
            if (const qsizetype at = segment.indexOf(param); at >= 0)
                segment.truncate(at);
        while (segment.endsWith(u'.') || segment.endsWith(QLatin1String("%20")) || segment.endsWith(QLatin1String("%2e")))
            segment.chop(segment.endsWith(u'.') ? 1 : 3);
    }
    while (segments.size() > 2 && segments.last().isEmpty())
        segments.removeLast();
    return segments.join(u'/');
}

// Whether a rule is one that refuses or holds back, and so must cover no
// less than it says: deny, ask, and a handler (code that may refuse).
// An allow rule, and an inject rule above all (it sends a secret), must
// cover no more.
bool coversLenientSpellings(const EgressRule &rule)
{
    switch (rule.action) {
    case EgressAction::Deny:
    case EgressAction::Ask:
        return true;
    case EgressAction::Inspect:
        return !rule.handler.isEmpty();
    case EgressAction::Allow:
        return false;
    }
    return false;
}

// Exactly the path as decided; where the rule refuses or holds back, also
// every spelling a lenient server could read as its path.
bool rulePathMatches(const EgressRule &rule, const QString &path)
{
    const QString pattern = QString::fromStdString(canonicalPathPattern(rule.path.toStdString()));
    if (pathMatches(pattern, path))
        return true;
    return coversLenientSpellings(rule) && pathMatches(lenientSpelling(pattern), lenientSpelling(path));
}

bool destinationMatches(const EgressRule &rule, const Destination &dest)
{
    if (rule.port != 0 && rule.port != dest.port)
        return false;
    if (rule.pattern == QStringLiteral("*"))
        return true;
    if (isAddressPattern(rule.pattern))
        return dest.host.isEmpty() && addressMatches(rule.pattern, dest.address);
    return !dest.host.isEmpty() && nameMatches(rule.pattern, dest.host);
}

// A rule for the same name on another port is the likeliest reason a
// person expected this to go through: say so.
QString otherPortHint(const QList<EgressRule> &ordered, const Destination &dest)
{
    for (const EgressRule &rule : ordered) {
        if (rule.port == 0 || rule.port == dest.port || rule.action == EgressAction::Deny)
            continue;
        Destination elsewhere = dest;
        elsewhere.port = rule.port;
        if (destinationMatches(rule, elsewhere))
            return QStringLiteral("; rule %1 is for port %2 only (drop its --port, or add one with --port %3)")
                .arg(rule.id).arg(rule.port).arg(dest.port);
    }
    return {};
}

} // namespace

bool ruleMatches(const EgressRule &rule, const Destination &dest, const HttpRequestInfo *http)
{
    if (!destinationMatches(rule, dest))
        return false;
    if (!isHttpRule(rule))
        return true;
    return http && methodMatches(rule.method, http->method) && (rule.path.isEmpty() || rulePathMatches(rule, http->path));
}

bool dependsOnHttpRequest(const QList<EgressRule> &ordered, const Destination &dest)
{
    for (const EgressRule &rule : ordered) {
        if (!destinationMatches(rule, dest))
            continue;
        if (isHttpRule(rule))
            return true;
        return false; // decides whatever the request
    }
    return false;
}

Decision decide(const QList<EgressRule> &ordered, const Destination &dest, bool askUnlisted, const HttpRequestInfo *http)
{
    for (const EgressRule &rule : ordered) {
        if (!ruleMatches(rule, dest, http))
            continue;
        QString reason = rule.reason;
        if (rule.action == EgressAction::Deny && reason.isEmpty())
            reason = QStringLiteral("denied by rule '%1'").arg(describeEgressRule(rule));
        return Decision { rule.action, rule, reason };
    }
    if (askUnlisted)
        return Decision { EgressAction::Ask, std::nullopt, {} };
    QString what = dest.host.isEmpty() ? QStringLiteral("the literal address %1").arg(dest.describe())
                                       : dest.describe();
    // Rules for the destination may exist and allow other requests: name this one.
    if (http)
        what += QStringLiteral(" for %1 %2").arg(http->method, http->path.isEmpty() ? QStringLiteral("(a tunnel)") : http->path);
    return Decision { EgressAction::Deny, std::nullopt,
                      QStringLiteral("no rule allows %1 (the default is deny)%2").arg(what, otherPortHint(ordered, dest)) };
}

bool handlerMayDecide(const QList<EgressRule> &ordered, const Destination &dest)
{
    for (const EgressRule &rule : ordered) {
        if (!destinationMatches(rule, dest))
            continue;
        if (!rule.handler.isEmpty())
            return true;
        if (!isHttpRule(rule))
            return false; // decides every request that reaches it
    }
    return false;
}

std::optional<EgressRule> inspectsRequests(const QList<EgressRule> &ordered, const Destination &dest)
{
    for (const EgressRule &rule : ordered) {
        if (!destinationMatches(rule, dest))
            continue;
        if (!isHttpRule(rule))
            return std::nullopt; // decides whatever the request
        if (rule.action == EgressAction::Inspect)
            return rule;
    }
    return std::nullopt;
}

bool rulesNameAddress(const QList<EgressRule> &ordered, const QHostAddress &address, quint16 port)
{
    for (const EgressRule &rule : ordered) {
        if (!isAddressPattern(rule.pattern) || (rule.port != 0 && rule.port != port)
            || !addressMatches(rule.pattern, address))
            continue;
        // A method/path rule decides single requests of the address's own
        // connections; it cannot vouch for a whole connection to a name.
        return rule.action == EgressAction::Allow && !isHttpRule(rule);
    }
    return false;
}

} // namespace paddock::egress
