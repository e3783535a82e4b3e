#include "intercepted_connection.h"

#include "egress_service.h"
#include "first_flight.h"
#include "hangup_watch.h"
#include "http_gate.h"
#include "inspected_start.h"
#include "inspection.h"
#include "refusal.h"
#include "sandbox_egress.h"
#include "socket_owner.h"
#include "socket_tuning.h"
#include "upstream_dialer.h"

#include <QElapsedTimer>

// glibc's netinet/in.h before the kernel's headers, which then skip what it defines.
#include <netinet/in.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <sys/socket.h>

#include <algorithm>

namespace paddock::egress {

namespace {

// How long a refused connection to a port where plain HTTP is usual waits
// for its first bytes, to answer with a readable 403 instead of a bare
// reset. Elsewhere (443, 22, …) the reset is immediate.
constexpr int kRefusalGraceMs = 100;
constexpr quint16 kPlainHttpPorts[] = { 80, 3000, 5000, 8000, 8008, 8080, 8888, 9000 };

bool isPlainHttpPort(quint16 port)
{
    return std::find(std::begin(kPlainHttpPorts), std::end(kPlainHttpPorts), port) != std::end(kPlainHttpPorts);
}
// How long a connection whose rules need its HTTP request may stay silent
// before it is decided as not HTTP; and one allowed whole on a plain-HTTP
// port, whose Host is checked when it is HTTP (a server-speaks-first
// protocol there waits this long). HTTP clients send at once. Whatever a
// connection decided as not HTTP sends first, it must not be an HTTP
// request then (see lateHttpCheck): waiting out the timer gets nothing past.
constexpr int kRequestWaitMs = 10000;
constexpr int kAllowedRequestWaitMs = 1000;

QHostAddress toAddress(const sockaddr_storage &ss, quint16 *port)
{
    if (ss.ss_family == AF_INET6) {
        const auto *a = reinterpret_cast<const sockaddr_in6 *>(&ss);
        *port = ntohs(a->sin6_port);
        QHostAddress addr(a->sin6_addr.s6_addr);
        bool mapped = false;
        if (quint32 v4 = addr.toIPv4Address(&mapped); mapped)
            return QHostAddress(v4);
        return addr;
    }
    const auto *a = reinterpret_cast<const sockaddr_in *>(&ss);
    *port = ntohs(a->sin_port);
    return QHostAddress(ntohl(a->sin_addr.s_addr));
}

FirstFlight::Verdict relayVerdict(FirstFlightRuling::Verdict v)
{
    switch (v) {
    case FirstFlightRuling::Verdict::Pass: return FirstFlight::Verdict::Pass;
    case FirstFlightRuling::Verdict::Refuse: return FirstFlight::Verdict::Refuse;
    case FirstFlightRuling::Verdict::NeedMore: break;
    }
    return FirstFlight::Verdict::NeedMore;
}

// The relay's check of the sandbox's first bytes (see first_flight.h).
// After a wait for an HTTP request that did not come: a request now would
// reach the upstream undecided (past method/path rules, or with any Host).
FirstFlight lateHttpCheck(std::string_view bytes)
{
    constexpr size_t kLongestMethod = 64; // a token this long is no method a server takes
    if (!mayBeHttpRequest(bytes))
        return { FirstFlight::Verdict::Pass, QStringLiteral("tcp"), {} };
    if (bytes.size() < kLongestMethod && bytes.find_first_of(" \r\n\t") == std::string_view::npos)
        return { FirstFlight::Verdict::NeedMore, {}, {} }; // a token so far: what follows decides
    return { FirstFlight::Verdict::Refuse, QStringLiteral("http"),
             QStringLiteral("an HTTP request sent only after Paddock stopped waiting for one: refused, as its rules "
                            "could not decide it") };
}

// `httpWaited`: the connection waited for an HTTP request and sent none.
FirstFlightCheck firstFlightCheck(const Destination &dest, bool httpWaited)
{
    return [host = dest.host.toStdString(), port = dest.port, httpWaited](std::string_view bytes) -> FirstFlight {
        const FirstFlightRuling r = judgeFirstFlight(bytes, host, port);
        FirstFlight f { relayVerdict(r.verdict), QString::fromStdString(r.protocol), QString::fromStdString(r.reason) };
        if (httpWaited && f.verdict == FirstFlight::Verdict::Pass && f.protocol != QLatin1String("tls"))
            return lateHttpCheck(bytes);
        return f;
    };
}

} // namespace

InterceptedConnection::InterceptedConnection(SandboxEgress &sandbox, UniqueFd client, ConnectionLease lease)
    : QObject(&sandbox), m_sandbox(sandbox), m_client(std::move(client)), m_lease(std::move(lease))
{
    m_refusalTimer.setSingleShot(true);
    connect(&m_refusalTimer, &QTimer::timeout, this, &InterceptedConnection::answerRefusal);
}

InterceptedConnection::~InterceptedConnection() = default;

void InterceptedConnection::start()
{
    if (!readDestination())
        return;
    EgressService &svc = m_sandbox.service();
    const QString &sb = m_sandbox.sandboxId();
    if (dependsOnHttpRequest(svc.orderedRules(sb), m_dest))
        return waitForRequest(kRequestWaitMs);
    const Decision d = decide(svc.orderedRules(sb), m_dest, svc.asksUnlisted(sb));
    // Allowed whole, plain HTTP still names the server it wants in Host:
    // on the usual plain-HTTP ports it goes through the gate, which ties
    // Host to the name the connection was opened for.
    if (d.action == EgressAction::Allow && isPlainHttpPort(m_dest.port))
        return waitForRequest(kAllowedRequestWaitMs);
    // Inspected: its first bytes say whether it is TLS to terminate or plain HTTP.
    if (d.action == EgressAction::Inspect)
        return waitForRequest(kRequestWaitMs);
    act(d);
}

// Rules with a method or path need the request: plain HTTP goes to a gate
// that decides each request; anything else is decided without one.
void InterceptedConnection::waitForRequest(int ms)
{
    m_httpWaited = true;
    m_firstBytes = std::make_unique<QSocketNotifier>(m_client.get(), QSocketNotifier::Read);
    connect(m_firstBytes.get(), &QSocketNotifier::activated, this, &InterceptedConnection::onFirstBytes);
    m_firstBytesTimer.setSingleShot(true);
    connect(&m_firstBytesTimer, &QTimer::timeout, this, &InterceptedConnection::onFirstBytes);
    m_firstBytesTimer.start(ms);
}

void InterceptedConnection::onFirstBytes()
{
    m_firstBytes.reset();
    m_firstBytesTimer.stop();
    if (clientMaySendHttp()) {
        m_process = ownerOfClient();
        auto *gate = new HttpGate(m_sandbox, std::move(m_client), m_dest, m_process, std::move(m_lease), GateTransport::Plain);
        gate->start();
        deleteLater();
        return;
    }
    EgressService &svc = m_sandbox.service();
    const QList<EgressRule> &rules = svc.orderedRules(m_sandbox.sandboxId());
    if (startsTls()) {
        if (auto inspecting = inspectsRequests(rules, m_dest))
            return act(Decision { EgressAction::Inspect, inspecting, {} });
    }
    act(decide(rules, m_dest, svc.asksUnlisted(m_sandbox.sandboxId())));
}

bool InterceptedConnection::startsTls() const
{
    constexpr char kTlsHandshakeRecord = 0x16;
    char first = 0;
    return ::recv(m_client.get(), &first, 1, MSG_PEEK | MSG_DONTWAIT) == 1 && first == kTlsHandshakeRecord;
}

bool InterceptedConnection::readDestination()
{
    sockaddr_storage peer {}, original {};
    socklen_t len = sizeof peer;
    ::getpeername(m_client.get(), reinterpret_cast<sockaddr *>(&peer), &len);
    m_clientAddress = toAddress(peer, &m_clientPort);
    len = sizeof original;
    const bool v6 = peer.ss_family == AF_INET6;
    int rc = v6 ? ::getsockopt(m_client.get(), SOL_IPV6, IP6T_SO_ORIGINAL_DST, &original, &len)
                : ::getsockopt(m_client.get(), SOL_IP, SO_ORIGINAL_DST, &original, &len);
    if (rc != 0) {
        refuse(QStringLiteral("the connection's original destination is unknown"));
        return false;
    }
    m_dest.address = toAddress(original, &m_dest.port);
    bool isV4 = false;
    const quint32 v4 = m_dest.address.toIPv4Address(&isV4);
    if (isV4 && isFakeAddress(v4)) {
        auto name = m_sandbox.names().nameAt(v4);
        if (!name) {
            refuse(QStringLiteral("%1 is a DNS address this sandbox was never given").arg(m_dest.address.toString()));
            return false;
        }
        m_dest.host = *name;
        m_lease.holdAddress(v4); // the name stays this address's while the connection lives
    } else if (m_dest.address.isLoopback()) {
        // Nothing is redirected to loopback: this came straight at the interception port.
        refuse(QStringLiteral("direct connection to Paddock's interception port"));
        return false;
    }
    return true;
}

void InterceptedConnection::act(const Decision &d)
{
    m_rule = d.rule;
    switch (d.action) {
    case EgressAction::Allow: return dial();
    case EgressAction::Inspect: return inspect();
    case EgressAction::Ask: return ask();
    case EgressAction::Deny: return refuse(d.reason);
    }
}

// TLS is terminated on a TLS worker with a leaf for the connection's name
// (inspected_start.h); once the sandbox's client has accepted it, a gate
// reads its requests.
void InterceptedConnection::inspect()
{
    Inspection *inspection = m_sandbox.service().inspection();
    if (!inspection)
        return refuse(QStringLiteral("TLS inspection is unavailable (%1): the inspect rule cannot be enforced")
                          .arg(m_sandbox.service().inspectionProblem()));
    if (!startsTls())
        return refuse(QStringLiteral("an inspect rule decides TLS or HTTP, and this connection sent neither"));
    if (m_process.isEmpty())
        m_process = ownerOfClient();
    auto *start = new InspectedStart(m_sandbox, std::move(m_client), m_dest, m_process, m_rule, std::move(m_lease));
    start->start();
    deleteLater();
}

void InterceptedConnection::ask()
{
    // Before the owner lookup, which costs: a flood of new destinations is
    // refused cheaply, counted in one log entry a second.
    if (!m_sandbox.service().hasRoomForQuestion(m_sandbox.sandboxId(), m_dest)) {
        m_sandbox.countQuestionRefused();
        return reset();
    }
    m_process = ownerOfClient();
    QPointer<InterceptedConnection> self(this);
    m_question = m_sandbox.service().askPerson(m_sandbox.sandboxId(), m_dest, m_process, nullptr,
                                               [self](bool allowed, const QString &why) {
        if (!self)
            return;
        self->m_question = {};
        self->m_hangup.reset();
        if (!allowed) return self->refuse(why);
        self->m_allowedWhy = why;
        self->dial();
    });
    if (!m_question.question.isEmpty())
        m_hangup = std::make_unique<HangupWatch>(m_client.get(), [this] { abandonQuestion(); });
}

// The client gave up while a person decides: nothing is dialled for it.
void InterceptedConnection::abandonQuestion()
{
    m_sandbox.service().withdrawQuestion(std::exchange(m_question, {}));
    m_sandbox.service().decisionLog().record(
        entry(EgressVerdict::Denied, QStringLiteral("withdrawn: the client closed the connection before the question was answered")));
    reset();
}

void InterceptedConnection::dial()
{
    // Named before the allowed entry is logged, as refusals and questions
    // are, while the client surely still holds its socket.
    if (m_process.isEmpty())
        m_process = ownerOfClient();
    auto plan = m_sandbox.service().planUpstream(m_sandbox.sandboxId(), m_dest);
    if (!plan)
        return refuse(plan.error().message);
    m_dial = new UpstreamDial(std::move(*plan), [this](Result<Upstream> r) { onDialled(std::move(r)); }, this);
    m_dial->start();
}

void InterceptedConnection::onDialled(Result<Upstream> upstream)
{
    m_dial->deleteLater();
    if (!upstream) {
        if (upstream.error().code == ErrorCode::PermissionDenied)
            return refuse(upstream.error().message);
        EgressLogEntry failed = entry(EgressVerdict::Allowed, m_allowedWhy);
        failed.failure = upstream.error().message;
        m_sandbox.service().decisionLog().record(failed);
        return reset();
    }
    EgressService &svc = m_sandbox.service();
    EgressLogEntry logged = entry(EgressVerdict::Allowed, m_allowedWhy);
    logged.upstream = upstream->description;
    logged.open = true;
    logged = svc.decisionLog().record(logged);
    tuneRelaySocket(m_client.get());
    const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
    EgressService *context = &svc; // outlives the relay's callbacks (see EgressService)
    // The relay wants a copyable callback; the lease rides in a shared_ptr
    // that the callback moves on, so it is released on the engine thread.
    auto lease = std::make_shared<ConnectionLease>(std::move(m_lease));
    // While it is open, its entry shows the bytes so far (at most once a second).
    RelayProgress progress = [context, logged, startedMs](const RelayTotals &t) {
        QMetaObject::invokeMethod(context, [context, logged, startedMs, t]() mutable {
            logged.bytesOut = t.bytesOut;
            logged.bytesIn = t.bytesIn;
            logged.durationMs = QDateTime::currentMSecsSinceEpoch() - startedMs;
            if (!t.protocol.isEmpty())
                logged.protocol = t.protocol;
            context->decisionLog().update(logged);
        }, Qt::QueuedConnection);
    };
    svc.relay().add(std::move(m_client), std::move(upstream->fd), firstFlightCheck(m_dest, m_httpWaited),
                    [context, logged, startedMs, lease](const RelayTotals &t) mutable {
                        // On the relay's thread: the log and the lease belong to the engine thread.
                        QMetaObject::invokeMethod(context, [context, logged, startedMs, t, lease = std::move(lease)]() mutable {
                            lease->release();
                            logged.open = false;
                            logged.bytesOut = t.bytesOut;
                            logged.bytesIn = t.bytesIn;
                            logged.durationMs = QDateTime::currentMSecsSinceEpoch() - startedMs;
                            if (!t.protocol.isEmpty())
                                logged.protocol = t.protocol;
                            if (!t.refusal.isEmpty()) {
                                logged.verdict = EgressVerdict::Denied;
                                logged.reason = t.refusal;
                            } else {
                                logged.failure = t.error;
                            }
                            context->decisionLog().update(logged);
                        }, Qt::QueuedConnection);
                    },
                    std::move(progress));
    deleteLater();
}

void InterceptedConnection::refuse(const QString &reason)
{
    m_refusal = reason;
    if (m_dest.port != 0 && m_process.isEmpty())
        m_process = ownerOfClient();
    if (m_dest.port != 0)
        m_sandbox.service().decisionLog().record(entry(EgressVerdict::Denied, reason));
    // Give a plain-HTTP client a moment to send its request, to answer it readably.
    if (!isPlainHttpPort(m_dest.port))
        return answerRefusal();
    m_waitForRequest = std::make_unique<QSocketNotifier>(m_client.get(), QSocketNotifier::Read);
    connect(m_waitForRequest.get(), &QSocketNotifier::activated, this, &InterceptedConnection::answerRefusal);
    m_refusalTimer.start(kRefusalGraceMs);
}

void InterceptedConnection::answerRefusal()
{
    m_waitForRequest.reset();
    m_refusalTimer.stop();
    if (clientSentHttp()) {
        const std::string res = forbiddenResponse(m_refusal);
        (void)::send(m_client.get(), res.data(), res.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        endGracefully(m_client.get());
        m_client.reset();
        deleteLater();
    } else {
        reset();
    }
}

// Ends the connection with a reset, so the client fails at once.
void InterceptedConnection::reset()
{
    linger abort { 1, 0 };
    ::setsockopt(m_client.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    m_client.reset();
    deleteLater();
}

// Looks at what the client sent so far without taking it.
bool InterceptedConnection::clientSentHttp() const
{
    char buf[16];
    const ssize_t n = ::recv(m_client.get(), buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 && looksLikeHttp(std::string_view(buf, size_t(n)));
}

bool InterceptedConnection::clientMaySendHttp() const
{
    char buf[64];
    const ssize_t n = ::recv(m_client.get(), buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
    return n > 0 && mayBeHttpRequest(std::string_view(buf, size_t(n)));
}

QString InterceptedConnection::ownerOfClient()
{
    if (!m_sandbox.mayLookUpOwner())
        return QStringLiteral("(not looked up: too many connections)");
    QElapsedTimer cost;
    cost.start();
    QString owner = findSocketOwner(m_sandbox.netNamespace(), { m_clientAddress, m_clientPort }, { m_dest.address, m_dest.port });
    m_sandbox.chargeOwnerLookup(cost.nsecsElapsed());
    return owner;
}

EgressLogEntry InterceptedConnection::entry(EgressVerdict verdict, const QString &reason) const
{
    return decisionEntry(m_sandbox.sandboxId(), m_dest, QStringLiteral("tcp"), verdict, m_rule, reason, m_process);
}

} // namespace paddock::egress
