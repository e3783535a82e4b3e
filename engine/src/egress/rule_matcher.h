// First match wins: which rule decides a connection, and what it says.
#pragma once

#include "destination.h"

#include "paddock/egress.h"

#include <optional>

namespace paddock::egress {

struct Decision {
    EgressAction action = EgressAction::Deny;
    std::optional<EgressRule> rule; // none: the sandbox's default decided
    QString reason; // for denials
};

// Name patterns match connections made to names, address patterns those
// made to literal addresses, and "*" both.
bool ruleMatches(const EgressRule &rule, const Destination &dest);

// `ordered`: the sandbox's own rules, then the global defaults.
Decision decide(const QList<EgressRule> &ordered, const Destination &dest, bool askUnlisted);

// Whether an allow rule names `address` itself (an IP or CIDR pattern),
// which lets a name resolve to a private address.
bool rulesNameAddress(const QList<EgressRule> &ordered, const QHostAddress &address);

} // namespace paddock::egress
