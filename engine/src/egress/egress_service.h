// Zero-trust egress for every running sandbox: takes each sandbox's
// sockets from its paddock-init, answers its DNS, decides each intercepted
// connection by the rules, asks a person when a rule says so, splices what
// is allowed, and logs every decision.
//
// The Engine owns one EgressService and forwards its public egress calls
// here; nothing else in the engine touches egress internals.
//
// Thread ownership: the engine thread (the splice relay runs its own).
#pragma once

#include "handler/handler_runner.h"
#include "ask_queue.h"
#include "fake_ip_pool.h"
#include "egress_log.h"
#include "forward_proxy.h"
#include "rule_matcher.h"
#include "splice_relay.h"
#include "upstream_dialer.h"
#include "store/egress_name_store.h"
#include "store/egress_rule_store.h"
#include "store/settings_store.h"

#include "paddock/egress.h"

#include <QHash>
#include <QObject>

#include <algorithm>
#include <functional>
#include <optional>

namespace paddock::egress {

class Inspection;
class SandboxEgress;

class EgressService : public QObject {
    Q_OBJECT
public:
    struct Stores {
        store::EgressRuleStore &rules;
        store::EgressNameStore &names;
        store::EgressLogStore &log;
        store::SettingsStore &settings;
    };
    // `sandboxName` turns a sandbox ID into its name, for questions.
    EgressService(Stores stores, std::function<QString(const QString &)> sandboxName, QObject *parent = nullptr);
    ~EgressService() override;

    // A sandbox started (or was found running): take over its egress.
    Result<void> attachSandbox(const QString &sandboxId, const QString &initSocket);
    void detachSandbox(const QString &sandboxId);

    // Rules: `scope` is a sandbox ID or empty for the global defaults.
    Result<QList<EgressRule>> rules(const QString &scope);
    Result<EgressRule> addRule(EgressRule rule, int position);
    Result<EgressRule> updateRule(const EgressRule &rule);
    Result<void> removeRule(qint64 id);
    Result<void> moveRule(qint64 id, int position);
    Result<std::optional<EgressRule>> rule(qint64 id);
    Result<EgressSettings> settings(const QString &sandboxId);
    Result<void> setSettings(const QString &sandboxId, const EgressSettings &s);

    Result<QList<HostOverride>> hostOverrides();
    Result<void> setHostOverride(const HostOverride &o);
    Result<bool> removeHostOverride(const QString &name);

    // The forward proxy: from the engine's environment unless set (and stored).
    Result<void> setForwardProxy(const ForwardProxySettings &settings);
    ForwardProxySettings forwardProxy() const;

    QList<EgressQuestion> questions() const { return m_asks.pending(); }
    // The sandbox's connections open now, and the bytes the engine holds for them.
    struct OpenConnections {
        int connections = 0;
        qint64 heldBytes = 0;
    };
    OpenConnections openConnections(const QString &sandboxId) const;
    Result<void> answer(const QString &questionId, EgressAnswer a);

    Result<QList<EgressLogEntry>> log(const QString &sandboxId, const EgressLogQuery &q);
    void forgetSandbox(const QString &sandboxId); // removed: its log goes too

    // ---- for SandboxEgress and its connections ----
    // The sandbox's rules then the global ones, as decided on (cached).
    const QList<EgressRule> &orderedRules(const QString &sandboxId);
    bool asksUnlisted(const QString &sandboxId);
    std::optional<HostOverride> hostOverride(const QString &name) const;
    // How to reach an allowed destination: its host override, else the
    // forward proxy (an unusable one is an error), else the resolver.
    Result<UpstreamPlan> planUpstream(const QString &sandboxId, const Destination &dest);
    // Where a connection must go through a proxy; an error when the
    // configured proxy is unusable (nothing may then go out directly).
    Result<std::optional<ProxyEndpoint>> proxyFor(const QString &host, quint16 port) const;
    // Holds a decision for a person: `reply` gets whether they allowed it
    // and why, for the log (allowed once or always; denied, unanswered in
    // time, or — at once — not asked because the sandbox has
    // limits::kQuestionsPerSandbox questions open). `request`: the one
    // HTTP request asked about, when the gate decides request by request.
    using Verdict = std::function<void(bool allowed, const QString &why)>;
    AskTicket askPerson(const QString &sandboxId, const Destination &dest, const QString &process,
                        const HttpRequestInfo *request, Verdict reply);
    // The asking connection went away: its reply is never called, and a
    // question nobody else waits for is closed ("withdrawn").
    void withdrawQuestion(const AskTicket &ticket);
    // Whether askPerson would ask (or join an open question) for this destination.
    bool hasRoomForQuestion(const QString &sandboxId, const Destination &dest) const;
    // Each sandbox's cap on open plus held connections (limits::connectionCap).
    int connectionCap() const { return m_connectionCap; }
    // The fake-address pool's size for sandboxes started from now on (see Engine).
    void setAddressSlots(quint32 slots) { m_addressSlots = std::clamp<quint32>(slots, 1, kFakeSlots); }
    quint32 addressSlots() const { return m_addressSlots; }
    // What inspect rules run on; none (and why) when it could not be set
    // up: inspecting connections are then refused, never passed unread.
    void setInspection(Inspection *inspection, QString problem = {})
    {
        m_inspection = inspection;
        m_inspectionProblem = std::move(problem);
    }
    Inspection *inspection() const { return m_inspection; }
    QString inspectionProblem() const { return m_inspectionProblem; }
    // Where inspect rules' handlers run (handler/handler_runner.h).
    HandlerRunner &handlers() { return m_handlers; }
    EgressLog &decisionLog() { return m_log; }
    AskQueue &asks() { return m_asks; }
    SpliceRelay &relay() { return m_relay; }

Q_SIGNALS:
    void logged(const paddock::EgressLogEntry &entry);
    void questionAsked(const paddock::EgressQuestion &q);
    void questionClosed(const QString &id, const QString &outcome);
    void rulesChanged(const QString &scope);

private:
    void invalidateRules(const QString &scope);
    Result<void> loadOverrides();
    void loadForwardProxy();

    Stores m_stores;
    std::function<QString(const QString &)> m_sandboxName;
    EgressLog m_log;
    AskQueue m_asks;
    QHash<QString, SandboxEgress *> m_sandboxes; // by sandbox ID; children of this
    QHash<QString, QList<EgressRule>> m_orderedRules; // cache, by sandbox ID
    QHash<QString, bool> m_askUnlisted; // cache, by sandbox ID
    QHash<QString, HostOverride> m_overrides; // by name
    Result<std::optional<ForwardProxy>> m_proxy;
    ForwardProxySettings m_proxySettings;
    int m_connectionCap = 0;
    Inspection *m_inspection = nullptr; // the engine's
    QString m_inspectionProblem;
    quint32 m_addressSlots = kFakeSlots;
    HandlerRunner m_handlers;
    SpliceRelay m_relay; // last member: its thread stops first, before anything it reports to
};

} // namespace paddock::egress
