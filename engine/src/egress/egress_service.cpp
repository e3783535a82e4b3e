#include "egress_service.h"

#include "helper_binary.h"

#include "egress_limits.h"
#include "sandbox_egress.h"

#include <QDebug>
#include <QProcessEnvironment>

#include <sys/resource.h>

namespace paddock::egress {

namespace {

constexpr int kQuestionTimeoutMs = 60000;

} // namespace

namespace {

// Each spliced connection holds six descriptors (two sockets, two pipes):
// the usual soft limit of 1024 would stop a sandbox at ~170 connections.
// Returns the limit now in force, the budget each sandbox's cap is cut from.
rlim_t raiseDescriptorLimit()
{
    rlimit lim {};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0)
        return 1024;
    if (lim.rlim_cur < lim.rlim_max) {
        rlimit raised { lim.rlim_max, lim.rlim_max };
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            lim = raised;
    }
    return lim.rlim_cur;
}

} // namespace

EgressService::EgressService(Stores stores, std::function<QString(const QString &)> sandboxName, QObject *parent)
    : QObject(parent)
    , m_stores(stores)
    , m_sandboxName(std::move(sandboxName))
    , m_log(stores.log)
    , m_asks(kQuestionTimeoutMs)
    , m_proxy(std::optional<ForwardProxy>())
    , m_handlers(helperBinary(QStringLiteral("paddock-handler"), "PADDOCK_HANDLER_BIN"))
{
    connect(&m_log, &EgressLog::logged, this, &EgressService::logged);
    connect(&m_asks, &AskQueue::asked, this, &EgressService::questionAsked);
    connect(&m_asks, &AskQueue::closed, this, &EgressService::questionClosed);
    m_connectionCap = limits::connectionCap(raiseDescriptorLimit());
    loadForwardProxy();
    (void)loadOverrides();
}

EgressService::~EgressService()
{
    for (SandboxEgress *s : std::as_const(m_sandboxes))
        delete s;
    m_sandboxes.clear();
}

Result<void> EgressService::attachSandbox(const QString &sandboxId, const QString &initSocket)
{
    detachSandbox(sandboxId);
    auto sockets = fetchEgressSockets(initSocket);
    if (!sockets) {
        // Fail closed (its connections wait unanswered), and say so where people look.
        EgressLogEntry e;
        e.sandboxId = sandboxId;
        e.protocol = QStringLiteral("-");
        e.verdict = EgressVerdict::Denied;
        e.reason = QStringLiteral("egress is not served for this sandbox, so nothing leaves it: %1").arg(sockets.error().message);
        m_log.record(e);
        return tl::unexpected(sockets.error());
    }
    auto names = m_stores.names.names(sandboxId);
    if (!names)
        return tl::unexpected(names.error());
    auto *s = new SandboxEgress(*this, sandboxId, std::move(*sockets), *names, this);
    connect(s, &SandboxEgress::namesToStore, this, [this, sandboxId](const QList<store::AnsweredName> &names) {
        if (auto r = m_stores.names.saveNames(sandboxId, names); !r)
            qWarning("egress: cannot store DNS names: %s", qPrintable(r.error().message));
    });
    m_sandboxes.insert(sandboxId, s);
    return {};
}

void EgressService::detachSandbox(const QString &sandboxId)
{
    m_asks.dropSandbox(sandboxId);
    delete m_sandboxes.take(sandboxId);
}

// ---- rules ----------------------------------------------------------------

Result<QList<EgressRule>> EgressService::rules(const QString &scope) { return m_stores.rules.rules(scope); }

Result<std::optional<EgressRule>> EgressService::rule(qint64 id) { return m_stores.rules.rule(id); }

namespace {

// An allow rule that injects is an inspect rule: injection needs the
// request, so the connection's TLS is terminated.
EgressRule promoteInjecting(EgressRule rule)
{
    if (rule.action == EgressAction::Allow && (!rule.inject.isEmpty() || !rule.handler.isEmpty()))
        rule.action = EgressAction::Inspect;
    return rule;
}

} // namespace

Result<EgressRule> EgressService::addRule(EgressRule rule, int position)
{
    rule = promoteInjecting(std::move(rule));
    if (auto v = validateEgressRule(rule); !v)
        return tl::unexpected(v.error());
    auto added = m_stores.rules.insert(rule, position);
    if (added)
        invalidateRules(rule.sandboxId);
    return added;
}

Result<EgressRule> EgressService::updateRule(const EgressRule &given)
{
    const EgressRule rule = promoteInjecting(given);
    if (auto v = validateEgressRule(rule); !v)
        return tl::unexpected(v.error());
    if (auto r = m_stores.rules.update(rule); !r)
        return tl::unexpected(r.error());
    invalidateRules(rule.sandboxId);
    return rule;
}

Result<void> EgressService::removeRule(qint64 id)
{
    auto existing = m_stores.rules.rule(id);
    if (!existing)
        return tl::unexpected(existing.error());
    if (!*existing)
        return fail(ErrorCode::NotFound, QStringLiteral("no egress rule %1").arg(id));
    if (auto r = m_stores.rules.remove(id); !r)
        return r;
    invalidateRules((*existing)->sandboxId);
    return {};
}

Result<void> EgressService::moveRule(qint64 id, int position)
{
    auto existing = m_stores.rules.rule(id);
    if (!existing)
        return tl::unexpected(existing.error());
    if (!*existing)
        return fail(ErrorCode::NotFound, QStringLiteral("no egress rule %1").arg(id));
    if (auto r = m_stores.rules.move(id, position); !r)
        return r;
    invalidateRules((*existing)->sandboxId);
    return {};
}

Result<EgressSettings> EgressService::settings(const QString &sandboxId) { return m_stores.rules.settings(sandboxId); }

Result<void> EgressService::setSettings(const QString &sandboxId, const EgressSettings &s)
{
    if (auto r = m_stores.rules.setSettings(sandboxId, s); !r)
        return r;
    m_askUnlisted.insert(sandboxId, s.askUnlisted);
    Q_EMIT rulesChanged(sandboxId);
    return {};
}

// Every cached list that includes this scope's rules is stale: one
// sandbox's, or all of them when the global defaults changed.
void EgressService::invalidateRules(const QString &scope)
{
    if (scope.isEmpty())
        m_orderedRules.clear();
    else
        m_orderedRules.remove(scope);
    Q_EMIT rulesChanged(scope);
}

const QList<EgressRule> &EgressService::orderedRules(const QString &sandboxId)
{
    auto it = m_orderedRules.find(sandboxId);
    if (it != m_orderedRules.end())
        return it.value();
    QList<EgressRule> all;
    auto own = m_stores.rules.rules(sandboxId);
    auto global = m_stores.rules.rules(QString());
    // A database that cannot be read decides nothing: the default (deny) applies.
    if (own && global)
        all = *own + *global;
    else
        qWarning("egress: cannot read rules; denying by default");
    return m_orderedRules.insert(sandboxId, all).value();
}

bool EgressService::asksUnlisted(const QString &sandboxId)
{
    auto it = m_askUnlisted.find(sandboxId);
    if (it != m_askUnlisted.end())
        return it.value();
    auto s = m_stores.rules.settings(sandboxId);
    const bool ask = s && s->askUnlisted;
    m_askUnlisted.insert(sandboxId, ask);
    return ask;
}

// ---- overrides and the proxy -----------------------------------------------

Result<void> EgressService::loadOverrides()
{
    auto all = m_stores.names.overrides();
    if (!all)
        return tl::unexpected(all.error());
    m_overrides.clear();
    for (const HostOverride &o : *all)
        m_overrides.insert(o.name, o);
    return {};
}

Result<QList<HostOverride>> EgressService::hostOverrides() { return m_stores.names.overrides(); }

Result<void> EgressService::setHostOverride(const HostOverride &o)
{
    if (auto v = validateHostOverride(o); !v)
        return v;
    if (auto r = m_stores.names.setOverride(o); !r)
        return r;
    m_overrides.insert(o.name, o);
    return {};
}

Result<bool> EgressService::removeHostOverride(const QString &name)
{
    auto removed = m_stores.names.removeOverride(name);
    if (removed)
        m_overrides.remove(name);
    return removed;
}

std::optional<HostOverride> EgressService::hostOverride(const QString &name) const
{
    auto it = m_overrides.find(name);
    if (it == m_overrides.end())
        return std::nullopt;
    return it.value();
}

namespace {

constexpr const char *kProxySetting = "egress.forwardProxy";

ForwardProxySettings fromEnvironment() { return proxySettingsFromEnvironment(QProcessEnvironment::systemEnvironment()); }

} // namespace

// Stored settings win; without them, the environment's. A proxy that
// cannot be used is kept as an error, so connections fail instead of
// going around it.
void EgressService::loadForwardProxy()
{
    ForwardProxySettings s = fromEnvironment();
    if (auto stored = m_stores.settings.value(QString::fromLatin1(kProxySetting)); stored && *stored) {
        const QJsonObject o = **stored;
        s = ForwardProxySettings { false, o.value(QStringLiteral("https")).toString(), o.value(QStringLiteral("http")).toString(),
                                   o.value(QStringLiteral("noProxy")).toString() };
    }
    m_proxySettings = s;
    m_proxy = ForwardProxy::fromSettings(s.httpsProxy, s.httpProxy, s.noProxy);
    if (!m_proxy)
        qWarning("egress: %s", qPrintable(m_proxy.error().message));
}

Result<void> EgressService::setForwardProxy(const ForwardProxySettings &settings)
{
    const ForwardProxySettings effective = settings.fromEnvironment ? fromEnvironment() : settings;
    auto proxy = ForwardProxy::fromSettings(effective.httpsProxy, effective.httpProxy, effective.noProxy);
    if (!proxy)
        return tl::unexpected(proxy.error());
    auto saved = settings.fromEnvironment
        ? m_stores.settings.remove(QString::fromLatin1(kProxySetting))
        : m_stores.settings.setValue(QString::fromLatin1(kProxySetting),
                                     QJsonObject { { QStringLiteral("https"), settings.httpsProxy },
                                                   { QStringLiteral("http"), settings.httpProxy },
                                                   { QStringLiteral("noProxy"), settings.noProxy } });
    if (!saved)
        return saved;
    m_proxySettings = effective;
    m_proxy = *proxy;
    return {};
}

ForwardProxySettings EgressService::forwardProxy() const { return m_proxySettings; }

Result<UpstreamPlan> EgressService::planUpstream(const QString &sandboxId, const Destination &dest)
{
    UpstreamPlan plan;
    plan.dest = dest;
    plan.rules = orderedRules(sandboxId);
    if (dest.host.isEmpty())
        return plan;
    plan.hostOverride = hostOverride(dest.host);
    if (plan.hostOverride)
        return plan;
    auto proxy = proxyFor(dest.host, dest.port);
    if (!proxy)
        return tl::unexpected(proxy.error());
    plan.proxy = *proxy;
    return plan;
}

Result<std::optional<ProxyEndpoint>> EgressService::proxyFor(const QString &host, quint16 port) const
{
    if (!m_proxy)
        return tl::unexpected(m_proxy.error());
    if (!m_proxy->has_value())
        return std::optional<ProxyEndpoint>();
    return (*m_proxy)->proxyFor(host, port);
}

// ---- questions and the log ---------------------------------------------------

namespace {

EgressQuestion questionAbout(const QString &sandboxId, const Destination &dest, const HttpRequestInfo *request)
{
    EgressQuestion q;
    q.sandboxId = sandboxId;
    q.host = dest.host;
    q.address = dest.address.toString();
    q.port = dest.port;
    if (request) {
        q.method = request->method;
        q.path = request->path;
    }
    return q;
}

} // namespace

AskTicket EgressService::askPerson(const QString &sandboxId, const Destination &dest, const QString &process,
                                   const HttpRequestInfo *request, Verdict reply)
{
    EgressQuestion q = questionAbout(sandboxId, dest, request);
    q.sandboxName = m_sandboxName(sandboxId);
    q.process = process;
    if (!m_asks.hasRoomFor(q)) {
        reply(false, QStringLiteral("not asked: this sandbox already has %1 questions waiting for an answer, its cap")
                         .arg(limits::kQuestionsPerSandbox));
        return {};
    }
    AskTicket ticket;
    ticket.question = m_asks.ask(q, [reply = std::move(reply)](EgressAnswer a, bool timedOut) {
        if (a == EgressAnswer::AllowOnce) return reply(true, QStringLiteral("allowed once by the person asked"));
        if (a == EgressAnswer::AllowAlways)
            return reply(true, QStringLiteral("allowed by the person asked, with a rule for next time"));
        reply(false, timedOut ? QStringLiteral("nobody answered the question in time")
                              : QStringLiteral("denied by the person asked"));
    }, &ticket.reply);
    return ticket;
}

void EgressService::withdrawQuestion(const AskTicket &ticket)
{
    if (!ticket.question.isEmpty())
        m_asks.withdraw(ticket.question, ticket.reply);
}

bool EgressService::hasRoomForQuestion(const QString &sandboxId, const Destination &dest) const
{
    return m_asks.hasRoomFor(questionAbout(sandboxId, dest, nullptr));
}

EgressService::OpenConnections EgressService::openConnections(const QString &sandboxId) const
{
    const SandboxEgress *sandbox = m_sandboxes.value(sandboxId);
    if (!sandbox) return {};
    return { sandbox->leases().open(), qint64(sandbox->leases().buffered() + sandbox->tlsBudget()->held()) };
}

Result<void> EgressService::answer(const QString &questionId, EgressAnswer a)
{
    auto q = m_asks.answer(questionId, a);
    if (!q)
        return tl::unexpected(q.error());
    if (a != EgressAnswer::AllowAlways && a != EgressAnswer::DenyAlways)
        return {};
    EgressRule rule;
    rule.sandboxId = q->sandboxId;
    rule.pattern = q->host.isEmpty() ? q->address : q->host;
    rule.port = q->port;
    // About one HTTP request: a rule for exactly it. The canonical path has
    // no '*', so it matches that path and no other.
    rule.method = q->method;
    rule.path = q->path;
    rule.action = a == EgressAnswer::AllowAlways ? EgressAction::Allow : EgressAction::Deny;
    rule.reason = a == EgressAnswer::DenyAlways ? QStringLiteral("denied when asked") : QString();
    auto added = addRule(rule, 0); // first, so it decides next time
    if (!added)
        return tl::unexpected(added.error());
    return {};
}

Result<QList<EgressLogEntry>> EgressService::log(const QString &sandboxId, const EgressLogQuery &q)
{
    return m_log.query(sandboxId, q);
}

void EgressService::forgetSandbox(const QString &sandboxId)
{
    detachSandbox(sandboxId);
    m_orderedRules.remove(sandboxId);
    m_askUnlisted.remove(sandboxId);
    (void)m_log.removeSandbox(sandboxId);
}

} // namespace paddock::egress
