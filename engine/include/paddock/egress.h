// Value types of zero-trust egress: the rules that say where a sandbox may
// connect, the questions asked when a rule says "ask", the log of every
// decision, and the host-override map that points names at addresses.
//
// A sandbox's own rules come first, then the global defaults (sandboxId
// empty); the first rule that matches decides. When none does, the
// connection is denied — or asked about, if the sandbox asks for anything
// unlisted.
#pragma once

#include "paddock/error.h"

#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QString>

#include <optional>

namespace paddock {

// Inspect: allowed, with TLS terminated by Paddock (a leaf minted from its
// CA, which only sandboxes trust) so each HTTP request is read, decided by
// method and path, given the rule's injections, and sent upstream over TLS
// verified against the host's trust store.
enum class EgressAction { Allow, Deny, Ask, Inspect };

QString egressActionName(EgressAction a); // "allow" | "deny" | "ask" | "inspect"
std::optional<EgressAction> egressActionFromName(const QString &name);

// One credential an inspecting rule adds to each request it decides: a
// header set (replacing what the client sent under that name) or a query
// parameter set, its value a template over secrets
// ("Bearer {{secret.GITHUB_TOKEN}}"). Values are sent only over verified
// TLS, never over plain HTTP.
struct EgressInjection {
    enum class Kind { Header, Query };
    Kind kind = Kind::Header;
    QString name; // "Authorization", "api_key"
    QString value; // the template
    bool operator==(const EgressInjection &) const = default;
};
using EgressInjections = QList<EgressInjection>;

// Headers a rule may not set: the gate writes them itself (framing, Host,
// hop-by-hop), and a credential there would change how the request is read.
bool isReservedInjectionHeader(const QString &name);
// The secrets an injection list names, each once, in order.
QStringList injectedSecretNames(const EgressInjections &inject);
// An injection list as the API and the database write it:
// [{"kind": "header" | "query", "name": …, "value": …}]; reading says what is malformed.
QJsonArray egressInjectionsToJson(const EgressInjections &inject);
Result<EgressInjections> egressInjectionsFromJson(const QJsonValue &json);

// A JavaScript file an inspecting rule runs on each request it decides
// (egress/handler/): `handle(request, secrets)` gets the request and the
// secrets named here, and returns the request to send, an answer, or a
// refusal. It runs in a helper process bounded in time and memory, with
// no file, process or network access.
struct EgressHandler {
    QString name; // the file it came from ("sign.js"): for the log and the rules table
    QString source; // the script; empty: the rule has no handler
    QStringList secrets; // what it is handed, by name
    bool isEmpty() const { return source.isEmpty(); }
    bool operator==(const EgressHandler &) const = default;
};

// A handler as the API and the database write it:
// {"name": …, "source": …, "secrets": [names]} or null; reading says what is malformed.
QJsonValue egressHandlerToJson(const EgressHandler &handler);
Result<EgressHandler> egressHandlerFromJson(const QJsonValue &json);
// What is wrong with a handler a person gave (size, name, secrets), if anything.
Result<void> validateEgressHandler(const EgressHandler &handler);

struct EgressRule {
    qint64 id = 0;
    QString sandboxId; // empty: a global default
    // A host name ("api.github.com"), a glob over names ("*.github.com"
    // matches every name below github.com, not github.com itself; "*"
    // matches every name), an IP address or a CIDR block ("10.0.0.0/8"),
    // which matches connections made to literal addresses.
    QString pattern;
    quint16 port = 0; // 0: any port
    // A rule with either matches only HTTP requests that Paddock reads:
    // plain HTTP, and HTTPS an inspect rule terminated; each request of a
    // connection is decided on its own. Empty: any.
    QString method; // "GET", "POST"…
    QString path; // "/repos/*": '*' matches any run of characters, '/' too; the query is not matched
    EgressAction action = EgressAction::Deny;
    QString reason; // shown with a denial
    EgressInjections inject; // only on inspect rules (an allow rule with any becomes one)
    EgressHandler handler; // only on inspect rules, like inject; runs before the injections
};

// Lower-case labels of letters, digits, '-' and '_', 1–63 long, 253 in all.
bool isValidHostName(const QString &name);
// A rule's pattern as rules store it: "API.GitHub.com." → "api.github.com".
QString canonicalEgressPattern(const QString &typed);
// The ID of a rule before `ordered[index]` (one scope's rules, in order)
// that matches everything it would — its name, port, method and path — so
// that it never decides anything; nullopt when none does.
std::optional<qint64> shadowingEgressRule(const QList<EgressRule> &ordered, qsizetype index);
// The rules of `later` (the global list, for a sandbox's rule: sandbox
// rules decide first) that `rule` hides: it matches every request they would.
QList<EgressRule> egressRulesHiddenBy(const EgressRule &rule, const QList<EgressRule> &later);
// An IPv4/IPv6 address or a CIDR block.
bool isAddressPattern(const QString &pattern);

// Checks a rule a person typed; the error says what is wrong with it.
Result<void> validateEgressRule(const EgressRule &rule);
// "allow *.github.com:443", as the log and the CLI show a rule.
QString describeEgressRule(const EgressRule &rule);

enum class EgressVerdict {
    Allowed, // spliced to the destination
    Denied, // refused (by a rule, by default, or because it was unsafe)
    Redirected, // DNS sent to an outside resolver, answered by Paddock
};
QString egressVerdictName(EgressVerdict v); // "allowed" | "denied" | "redirected"
std::optional<EgressVerdict> egressVerdictFromName(const QString &name);

// One decision. A connection's entry is logged when it is decided and again
// when it ends (open false, with its byte counts and duration).
struct EgressLogEntry {
    qint64 id = 0;
    QDateTime time;
    QString sandboxId;
    QString host; // the name the sandbox asked for; empty for a literal address
    QString address; // the address the sandbox connected to (a fake one for names)
    quint16 port = 0;
    QString protocol; // "tcp" | "tls" | "http" | "dns"
    EgressVerdict verdict = EgressVerdict::Denied;
    qint64 ruleId = 0; // 0: no rule (the default, or a safety check)
    QString rule; // the rule as it read when it decided
    QString reason;
    QString request; // HTTP decided per request: "GET /path"
    int status = 0; // that request's response status; 0: none (yet)
    QString httpVersion; // "HTTP/1.1" for a request Paddock read
    QStringList secrets; // names of the secrets injected into it; never a value
    // A request Paddock read: its fields as sent upstream and the response's
    // as received, one "name: value" per line, injected values masked
    // (what a browser's network panel shows). Empty for anything else.
    QString requestHeaders;
    QString responseHeaders;
    QString upstream; // where it was spliced to ("140.82.112.3:443", "via proxy …")
    qint64 bytesOut = 0; // sandbox → destination
    qint64 bytesIn = 0; // destination → sandbox
    qint64 durationMs = 0;
    QString process; // "curl (pid 42)" when known
    bool open = false; // still spliced
    // An allowed connection (or request) that did not go through: the
    // upstream could not be reached, or the connection ended with an error
    // ("cannot connect to 140.82.112.3:443: Connection refused"). Empty
    // when it went through, and for every other verdict.
    QString failure;
};

struct EgressLogQuery {
    QString sandbox; // ID or name; empty: every sandbox
    std::optional<EgressVerdict> verdict;
    QString hostContains;
    qint64 beforeId = 0; // 0: the newest
    int limit = 200;
    bool failedOnly = false; // allowed, but did not go through (EgressLogEntry::failure)
    quint16 port = 0; // 0: any
};

// A held connection waiting for a person.
struct EgressQuestion {
    QString id;
    QString sandboxId;
    QString sandboxName;
    QString host; // empty for a literal address
    QString address;
    quint16 port = 0;
    // For one plain-HTTP request decided on its own (a rule with a method
    // or path applies): its method and canonical path ("GET", "/a/b"; no
    // query, no '*'). Empty for a whole connection. "Allow always" adds a
    // rule for exactly this method and path.
    QString method;
    QString path;
    QString process;
    QDateTime askedAt;
    QDateTime deadline; // unanswered by then → denied
};

enum class EgressAnswer { AllowOnce, AllowAlways, DenyOnce, DenyAlways };
QString egressAnswerName(EgressAnswer a); // "allow-once" | "allow-always" | …
std::optional<EgressAnswer> egressAnswerFromName(const QString &name);

// Like curl's --resolve: connections to `name` go to `address`, on `port`
// when it is set, else on the port the sandbox asked for.
struct HostOverride {
    QString name;
    QString address;
    quint16 port = 0;
};

Result<void> validateHostOverride(const HostOverride &o);

// Where upstream connections go when the workstation reaches the internet
// only through a forward proxy. Kept in the database.
struct ForwardProxySettings {
    bool fromEnvironment = true; // the engine's HTTPS_PROXY / HTTP_PROXY / NO_PROXY
    QString httpsProxy; // "http://host:port"; both empty (and not fromEnvironment): direct
    QString httpProxy;
    QString noProxy; // comma-separated names, .domains, addresses, CIDR blocks
};

// A CA the user trusts for inspected upstreams beyond the host's trust
// store (`paddock egress trust-ca FILE`): a company's internal CA, or a
// test's local HTTPS server.
struct TrustedUpstreamCa {
    QString fingerprint; // SHA-256, "AB:CD:…"
    QString subject; // "CN=Example Root CA,O=Example"
    QDateTime notAfter;
};

struct EgressSettings {
    bool askUnlisted = false; // ask instead of denying what no rule matches
};

} // namespace paddock

Q_DECLARE_METATYPE(paddock::EgressLogEntry)
Q_DECLARE_METATYPE(paddock::EgressQuestion)
