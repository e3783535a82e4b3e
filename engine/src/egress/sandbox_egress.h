// One running sandbox's egress: its interception sockets (accepting every
// outbound TCP connection nftables steered to them), its DNS responders,
// its fake-address pool, and what its paddock-init refused outright.
//
// It also keeps the sandbox to its fair share of the engine (see
// egress_limits.h): each accepted connection takes a lease under the
// sandbox's connection cap (over it, the connection is reset at once), its
// DNS queries and HTTP requests draw on token buckets, and refusals (or
// waits) made for those limits are logged one entry a second, counted.
//
// Thread ownership: the engine thread.
#pragma once

#include "connection_lease.h"
#include "egress_sockets.h"
#include "refusal_feed.h"
#include "refusal_tally.h"
#include "token_bucket.h"
#include "tls/bridge_budget.h"
#include "store/egress_name_store.h"

#include "paddock/engine.h"

#include <QHash>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <map>
#include <memory>
#include <string>

namespace paddock::egress {

class EgressService;
class DnsResponder;

class SandboxEgress : public QObject {
    Q_OBJECT
public:
    // `storedNames`: (slot, name) least recently answered first.
    SandboxEgress(EgressService &service, QString sandboxId, EgressSockets sockets,
                  const QList<QPair<quint32, QString>> &storedNames, QObject *parent = nullptr);
    ~SandboxEgress() override;

    const QString &sandboxId() const { return m_sandboxId; }
    quint64 netNamespace() const { return m_netNamespace; }
    const FakeIpPool &names() const { return m_leases->pool(); }
    const LeaseBook &leases() const { return *m_leases; }
    // What its inspected connections' TLS bridges hold (limits::kTlsBufferPerSandbox).
    const std::shared_ptr<tls::BridgeBudget> &tlsBudget() const { return m_tlsBudget; }
    EgressService &service() { return m_service; }
    // Finding a connection's process: whether this sandbox may have one
    // more now (limits::kOwnerLookupsPerSecond and its engine time), and
    // what the one done cost.
    bool mayLookUpOwner();
    void chargeOwnerLookup(qint64 ns) { m_lookupTime.spend(double(ns) / 1000.0); }
    // A connection refused because the sandbox has as many questions open
    // as it may: counted into one log entry a second.
    void countQuestionRefused() { m_questionRefusals.count(); }
    // An HTTP request a gate has read (either version): whether it may be
    // decided now (limits::kHttpRequestsPerSecond). When not, the gate
    // holds it, counts it once (one log entry a second says how many
    // waited) and asks again later.
    bool mayDecideRequest();
    void countRequestHeldBack() { m_requestWaits.count(); }
    // An HTTP/2 stream refused for the sandbox's stream cap (one log entry a second).
    void countStreamRefused() { m_streamRefusals.count(); }
    // The engine time its gates spend (limits::kGateEngineUsPerSecond):
    // whether any is left, and what one callback of theirs took.
    bool mayUseEngineTime();
    // A gate's callback waited for it: one log entry a second says how often.
    void countEnginePause() { m_enginePauses.count(); }
    void chargeEngineTime(qint64 ns) { m_gateTime.spend(double(ns) / 1000.0); }
    // Request bodies held whole for handlers: at most kHandlerBodyBudget at
    // a time, so stalled bodies cannot fill the engine's memory.
    static constexpr qint64 kHandlerBodyBudget = 64LL * 1024 * 1024;
    bool holdForHandler(qint64 bytes)
    {
        if (m_heldForHandlers + bytes > kHandlerBodyBudget) return false;
        m_heldForHandlers += bytes;
        return true;
    }
    void releaseForHandler(qint64 bytes) { m_heldForHandlers -= bytes; }
    // Responses to its injected requests that ended with the start of a
    // secret (limits::kCutShortValuesPerSandbox): past the limit, its
    // secrets are no longer fetched, and the log says why.
    void noteCutShortValues(size_t count);
    // The secrets named (Inspection::resolveSecrets), unless this sandbox
    // may have none any more.
    using SecretValues = std::map<std::string, std::string>;
    void resolveSecrets(const QStringList &names, Callback<SecretValues> done);

Q_SIGNALS:
    void namesToStore(const QList<paddock::store::AnsweredName> &names);

private:
    void acceptConnections(int listener);
    void pauseAccepting();
    void noteDns(const QString &name, bool refused, const QString &why, bool redirected);
    void noteRefusal(const wire::EgressRefusal &r);
    void flushNames();
    EgressLogEntry aggregateEntry(const QString &protocol, const QString &reason) const;

    EgressService &m_service;
    QString m_sandboxId;
    quint64 m_netNamespace = 0; // to find which process opened a connection
    UniqueFd m_tcp4, m_tcp6;
    std::shared_ptr<LeaseBook> m_leases; // shared with every connection's lease
    std::shared_ptr<tls::BridgeBudget> m_tlsBudget; // shared with every TLS bridge
    TokenBucket m_dnsRate; // both responders draw on it
    TokenBucket m_requestRate; // every gate of the sandbox draws on it
    TokenBucket m_gateTime; // their engine time, in µs
    std::unique_ptr<QSocketNotifier> m_accept4, m_accept6;
    DnsResponder *m_dns = nullptr;
    DnsResponder *m_redirectedDns = nullptr;
    RefusalFeed *m_refusals = nullptr;
    QHash<quint32, store::AnsweredName> m_answered; // by slot: answered since the last store
    QTimer m_namesTimer;
    TokenBucket m_lookups; // owner lookups
    TokenBucket m_lookupTime; // their engine time, in µs
    qint64 m_heldForHandlers = 0;
    size_t m_cutShortValues = 0;
    // Last: they log what they counted when destroyed, and read the above.
    RefusalTally m_connectionRefusals, m_questionRefusals, m_dnsRefusals, m_poolRefusals, m_requestWaits,
        m_enginePauses, m_streamRefusals;
};

} // namespace paddock::egress
