#include "rule_matcher.h"

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

} // namespace

bool ruleMatches(const EgressRule &rule, const Destination &dest)
{
    if (rule.port != 0 && rule.port != dest.port)
        return false;
    if (rule.pattern == QStringLiteral("*"))
        return true;
    if (isAddressPattern(rule.pattern))
        return dest.host.isEmpty() && addressMatches(rule.pattern, dest.address);
    return !dest.host.isEmpty() && nameMatches(rule.pattern, dest.host);
}

Decision decide(const QList<EgressRule> &ordered, const Destination &dest, bool askUnlisted)
{
    for (const EgressRule &rule : ordered) {
        if (!ruleMatches(rule, dest))
            continue;
        QString reason = rule.reason;
        if (rule.action == EgressAction::Deny && reason.isEmpty())
            reason = QStringLiteral("denied by rule '%1'").arg(describeEgressRule(rule));
        return Decision { rule.action, rule, reason };
    }
    if (askUnlisted)
        return Decision { EgressAction::Ask, std::nullopt, {} };
    const QString what = dest.host.isEmpty() ? QStringLiteral("the literal address %1").arg(dest.describe())
                                             : dest.describe();
    return Decision { EgressAction::Deny, std::nullopt,
                      QStringLiteral("no rule allows %1 (the default is deny)").arg(what) };
}

bool rulesNameAddress(const QList<EgressRule> &ordered, const QHostAddress &address)
{
    for (const EgressRule &rule : ordered)
        if (rule.action == EgressAction::Allow && isAddressPattern(rule.pattern)
            && addressMatches(rule.pattern, address))
            return true;
    return false;
}

} // namespace paddock::egress
