#include "sandbox_egress.h"

#include "dns_responder.h"
#include "egress_limits.h"
#include "egress_service.h"
#include "inspection.h"
#include "intercepted_connection.h"
#include "socket_owner.h"

#include "paddock/wire/egress_messages.h"

#include <QDebug>

#include <sys/socket.h>

#include <cstring>

namespace paddock::egress {

namespace {

constexpr int kMaxAcceptsPerWakeup = 64;
constexpr int kStoreNamesAfterMs = 200;

// TLS bridges a sandbox may have open. Each inspected connection has two;
// more than its cap's worth are bridges that outlived their connections (a
// client that resets at once, an upstream that never answers the
// handshake), each still holding descriptors outside every lease.
int bridgeCap(const LeaseBook &leases)
{
    return 2 * leases.cap();
}
constexpr int kAcceptPauseMs = 200;

} // namespace

SandboxEgress::SandboxEgress(EgressService &service, QString sandboxId, EgressSockets sockets,
                             const QList<QPair<quint32, QString>> &storedNames, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_sandboxId(std::move(sandboxId))
    , m_tcp4(std::move(sockets.tcp4))
    , m_tcp6(std::move(sockets.tcp6))
    , m_leases(std::make_shared<LeaseBook>(service.connectionCap(), FakeIpPool(service.addressSlots())))
    , m_tlsBudget(std::make_shared<tls::BridgeBudget>(limits::kTlsBufferPerSandbox))
    , m_dnsRate(limits::kDnsQueriesPerSecond, limits::kDnsBurst)
    , m_requestRate(limits::kHttpRequestsPerSecond, limits::kHttpRequestBurst)
    , m_gateTime(limits::kGateEngineUsPerSecond, limits::kGateEngineUsBurst)
    , m_lookups(limits::kOwnerLookupsPerSecond, limits::kOwnerLookupsPerSecond)
    , m_lookupTime(limits::kOwnerLookupUsPerSecond, limits::kOwnerLookupUsBurst)
    , m_connectionRefusals(service.decisionLog(), [this](int n) {
        return aggregateEntry(QStringLiteral("tcp"),
                              QStringLiteral("%1 connections refused: this sandbox has %2 open or held and %4 TLS "
                                             "bridges still closing, its cap is %3 (%5 bridges; sized so that no "
                                             "sandbox can use up the engine's descriptors)")
                                  .arg(n).arg(m_leases->open()).arg(m_leases->cap()).arg(m_tlsBudget->bridges())
                                  .arg(bridgeCap(*m_leases)));
    })
    , m_questionRefusals(service.decisionLog(), [this](int n) {
        return aggregateEntry(QStringLiteral("tcp"),
                              QStringLiteral("%1 connections refused without asking: this sandbox has %2 questions "
                                             "waiting for an answer, its cap")
                                  .arg(n).arg(limits::kQuestionsPerSandbox));
    })
    , m_dnsRefusals(service.decisionLog(), [this](int n) {
        return aggregateEntry(QStringLiteral("dns"),
                              QStringLiteral("%1 DNS queries refused: this sandbox asks faster than %2 a second "
                                             "(bursts of %3)")
                                  .arg(n).arg(limits::kDnsQueriesPerSecond).arg(limits::kDnsBurst));
    })
    , m_poolRefusals(service.decisionLog(), [this](int n) {
        return aggregateEntry(QStringLiteral("dns"),
                              QStringLiteral("%1 DNS queries answered SERVFAIL: every fake address is held by a "
                                             "connection or was answered in the last %2 s (a program may still use it)")
                                  .arg(n).arg(limits::kReuseAddressAfterMs / 1000));
    })
    , m_requestWaits(service.decisionLog(), [this](int n) {
        EgressLogEntry e = aggregateEntry(QStringLiteral("https"),
                              QStringLiteral("%1 HTTP requests waited their turn: this sandbox sent them faster than "
                                             "the engine takes them (%2 a second, bursts of %3, a few at a time); "
                                             "its connections are not read meanwhile")
                                  .arg(n).arg(limits::kHttpRequestsPerSecond).arg(limits::kHttpRequestBurst));
        e.verdict = EgressVerdict::Allowed; // held back, not refused
        return e;
    })
    , m_enginePauses(service.decisionLog(), [this](int n) {
        EgressLogEntry e = aggregateEntry(QStringLiteral("tcp"),
            QStringLiteral("this sandbox's inspected and gated connections used their share of the engine's time "
                           "(%1 ms a second); they were paused %2 times, %3 ms at a time, so other sandboxes "
                           "keep theirs")
                .arg(limits::kGateEngineUsPerSecond / 1000).arg(n).arg(limits::kRelayBudgetRetryMs));
        e.verdict = EgressVerdict::Allowed; // slowed, not refused
        return e;
    })
    , m_streamRefusals(service.decisionLog(), [this](int n) {
        return aggregateEntry(QStringLiteral("https"),
            QStringLiteral("%1 HTTP/2 streams refused (REFUSED_STREAM: not processed, safe to retry): this "
                           "sandbox has %2 open across its connections, its cap is %3")
                .arg(n).arg(m_leases->http2Streams()).arg(limits::kHttp2StreamsPerSandbox));
    })
{
    m_leases->pool().restore(storedNames);
    m_netNamespace = socketNetNamespace(m_tcp4.get());
    m_accept4 = std::make_unique<QSocketNotifier>(m_tcp4.get(), QSocketNotifier::Read);
    m_accept6 = std::make_unique<QSocketNotifier>(m_tcp6.get(), QSocketNotifier::Read);
    connect(m_accept4.get(), &QSocketNotifier::activated, this, [this] { acceptConnections(m_tcp4.get()); });
    connect(m_accept6.get(), &QSocketNotifier::activated, this, [this] { acceptConnections(m_tcp6.get()); });

    m_dns = new DnsResponder(std::move(sockets.dns), false, m_leases->pool(), m_dnsRate, this);
    m_redirectedDns = new DnsResponder(std::move(sockets.redirectedDns), true, m_leases->pool(), m_dnsRate, this);
    for (DnsResponder *dns : { m_dns, m_redirectedDns }) {
        const bool redirected = dns == m_redirectedDns;
        connect(dns, &DnsResponder::nameAnswered, this, [this](quint32 slot, const QString &name) {
            m_answered.insert(slot, { slot, name, QDateTime::currentMSecsSinceEpoch() });
            if (!m_namesTimer.isActive())
                m_namesTimer.start();
        });
        connect(dns, &DnsResponder::overRate, &m_dnsRefusals, &RefusalTally::count);
        connect(dns, &DnsResponder::poolFull, &m_poolRefusals, &RefusalTally::count);
        connect(dns, &DnsResponder::noteworthy, this, [this, redirected](const QString &name, bool refused, const QString &why) {
            noteDns(name, refused, why, redirected);
        });
    }
    m_refusals = new RefusalFeed(std::move(sockets.reports), std::move(sockets.reportsRead), this);
    connect(m_refusals, &RefusalFeed::refused, this, &SandboxEgress::noteRefusal);
    m_refusals->start();
    m_namesTimer.setSingleShot(true);
    m_namesTimer.setInterval(kStoreNamesAfterMs);
    connect(&m_namesTimer, &QTimer::timeout, this, &SandboxEgress::flushNames);
}

SandboxEgress::~SandboxEgress() { flushNames(); }

// Stored with when they were answered: a restarted engine restores the
// pool in that order, so the least recently used address is still the
// first to go.
void SandboxEgress::flushNames()
{
    if (m_answered.isEmpty())
        return;
    const QList<store::AnsweredName> names = m_answered.values();
    m_answered.clear();
    Q_EMIT namesToStore(names);
}

void SandboxEgress::acceptConnections(int listener)
{
    for (int i = 0; i < kMaxAcceptsPerWakeup; ++i) {
        int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
            // Out of descriptors: the connection stays queued (nothing goes
            // out unchecked) and the listener would wake us in a loop; wait.
            qWarning("egress: sandbox %s: cannot accept more connections now: %s", qPrintable(m_sandboxId), std::strerror(errno));
            pauseAccepting();
            return;
        }
        if (fd < 0)
            return;
        UniqueFd client(fd);
        const bool bridgesOverCap = m_tlsBudget->bridges() >= bridgeCap(*m_leases);
        std::optional<ConnectionLease> lease
            = bridgesOverCap ? std::nullopt : ConnectionLease::take(m_leases);
        if (!lease) {
            // Over its cap: reset at once (nothing waits on a descriptor),
            // counted into one log entry a second.
            linger reset { 1, 0 };
            ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
            m_connectionRefusals.count();
            continue;
        }
        auto *conn = new InterceptedConnection(*this, std::move(client), std::move(*lease));
        conn->start();
    }
}

void SandboxEgress::pauseAccepting()
{
    m_accept4->setEnabled(false);
    m_accept6->setEnabled(false);
    QTimer::singleShot(kAcceptPauseMs, this, [this] {
        m_accept4->setEnabled(true);
        m_accept6->setEnabled(true);
    });
}

// Finding the process behind a connection scans /proc: a sandbox that
// floods connections (and holds many sockets, which makes each scan
// longer) gets a few of them a second, not the engine thread.
bool SandboxEgress::mayLookUpOwner()
{
    const qint64 now = FakeIpPool::steadyMs();
    return m_lookupTime.hasAny(now) && m_lookups.take(now);
}

void SandboxEgress::noteCutShortValues(size_t count)
{
    if (count == 0) return;
    const bool wasStopped = m_cutShortValues >= limits::kCutShortValuesPerSandbox;
    m_cutShortValues += count;
    if (wasStopped || m_cutShortValues < limits::kCutShortValuesPerSandbox) return;
    qWarning().noquote() << "egress: secrets are no longer injected for sandbox" << m_sandboxId
                         << "- responses ended with the start of a secret" << m_cutShortValues << "times";
    m_service.decisionLog().record(aggregateEntry(QStringLiteral("https"),
        tr("secrets are no longer injected for this sandbox until it restarts: %1 responses ended with the "
           "start of a secret, which is how a sandbox probes for one a character at a time")
            .arg(m_cutShortValues)));
}

void SandboxEgress::resolveSecrets(const QStringList &names, Callback<SecretValues> done)
{
    if (!names.isEmpty() && m_cutShortValues >= limits::kCutShortValuesPerSandbox)
        return done(fail(ErrorCode::PermissionDenied,
            tr("secrets are no longer injected for this sandbox until it restarts (responses ended with the "
               "start of a secret %1 times: a probe for it)")
                .arg(m_cutShortValues)));
    Inspection *inspection = m_service.inspection();
    if (!inspection)
        return done(fail(ErrorCode::Internal, tr("TLS inspection is unavailable")));
    inspection->resolveSecrets(names, std::move(done));
}

bool SandboxEgress::mayUseEngineTime()
{
    return m_gateTime.hasAny(FakeIpPool::steadyMs());
}

bool SandboxEgress::mayDecideRequest()
{
    return m_requestRate.take(FakeIpPool::steadyMs());
}

EgressLogEntry SandboxEgress::aggregateEntry(const QString &protocol, const QString &reason) const
{
    EgressLogEntry e;
    e.sandboxId = m_sandboxId;
    e.protocol = protocol;
    e.verdict = EgressVerdict::Denied;
    e.rule = tr("built in"); // a limit, not a rule: see egress_limits.h
    e.reason = reason;
    return e;
}

void SandboxEgress::noteDns(const QString &name, bool refused, const QString &why, bool redirected)
{
    EgressLogEntry e;
    e.sandboxId = m_sandboxId;
    e.host = name;
    e.port = redirected ? 53 : wire::kDnsPort;
    e.protocol = QStringLiteral("dns");
    e.verdict = refused ? EgressVerdict::Denied : EgressVerdict::Redirected;
    e.reason = why;
    m_service.decisionLog().record(e);
}

// Refused or dropped by paddock-init itself, which says why (and names the
// process when it can); logged here beside the connections the engine decided.
void SandboxEgress::noteRefusal(const wire::EgressRefusal &r)
{
    EgressLogEntry e;
    e.sandboxId = m_sandboxId;
    e.address = QString::fromStdString(r.address);
    e.port = r.port;
    e.protocol = QString::fromStdString(r.protocol);
    e.verdict = EgressVerdict::Denied;
    e.rule = tr("built in"); // no rule can allow these: nothing gets around the interception
    e.reason = QString::fromStdString(r.what);
    if (r.repeats > 0)
        e.reason += tr(" (and %n more refused in the last second, not logged one by one)", nullptr, int(r.repeats));
    e.process = QString::fromStdString(r.process);
    m_service.decisionLog().record(e);
}

} // namespace paddock::egress
