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

// One plain-HTTP request, for rules with a method or a path.
struct HttpRequestInfo {
    QString method;
    QString path; // canonical (http_target.h), without the query; empty for CONNECT
};

// Name patterns match connections made to names, address patterns those
// made to literal addresses, and "*" both. A rule with a method or path
// matches only an HTTP request (`http` set) that has them; its path glob is
// compared in the request path's canonical spelling (http_target.h).
bool ruleMatches(const EgressRule &rule, const Destination &dest, const HttpRequestInfo *http = nullptr);

// `ordered`: the sandbox's own rules, then the global defaults.
Decision decide(const QList<EgressRule> &ordered, const Destination &dest, bool askUnlisted,
                const HttpRequestInfo *http = nullptr);

// Whether the decision may depend on a plain-HTTP request: a rule with a
// method or path applies to this destination before any rule that decides
// it whatever the request.
bool dependsOnHttpRequest(const QList<EgressRule> &ordered, const Destination &dest);

// The first inspect rule with a method or path that applies to this
// destination before any rule that decides it whatever the request: a
// TLS connection there is terminated so that rule can read its requests
// (each then decided by all the rules), rather than decided unread.
std::optional<EgressRule> inspectsRequests(const QList<EgressRule> &ordered, const Destination &dest);

// Whether a rule with a handler may decide some request to this
// destination (it applies before any rule that decides every request).
bool handlerMayDecide(const QList<EgressRule> &ordered, const Destination &dest);

// Whether the rules allow `address` on `port` by naming it (an IP or CIDR
// pattern), which lets a name lead to a non-public address. As for a
// connection made to the address itself, the first rule naming it and
// matching the port decides: only an allow rule lifts the check, and only
// one that decides the whole connection (not per HTTP request). Names and
// "*" never name an address.
bool rulesNameAddress(const QList<EgressRule> &ordered, const QHostAddress &address, quint16 port);

} // namespace paddock::egress
