#include "inspected_start.h"

#include "egress_log.h"
#include "egress_service.h"
#include "h2/h2_gate.h"
#include "http_gate.h"
#include "inspection.h"
#include "rule_matcher.h"
#include "sandbox_egress.h"
#include "tls_client_hello.h"
#include "upstream_dialer.h"

#include <QPointer>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace paddock::egress {

InspectedStart::InspectedStart(SandboxEgress &sandbox, UniqueFd client, Destination dest,
    QString process, std::optional<EgressRule> rule, ConnectionLease lease)
    : QObject(&sandbox)
    , m_sandbox(sandbox)
    , m_client(std::move(client))
    , m_dest(std::move(dest))
    , m_process(std::move(process))
    , m_rule(std::move(rule))
    , m_lease(std::move(lease))
{
    m_helloDeadline.setSingleShot(true);
    connect(&m_helloDeadline, &QTimer::timeout, this, [this] { onHello(false); });
}

InspectedStart::~InspectedStart() = default;

void InspectedStart::start()
{
    peekHello();
}

QString InspectedStart::name() const
{
    return m_dest.host.isEmpty() ? m_dest.address.toString() : m_dest.host;
}

// The ClientHello, peeked at until it is whole. While it is not, the
// socket's low-water mark is set past the bytes already there, so the
// notifier wakes for more bytes rather than for the same ones again.
void InspectedStart::peekHello()
{
    const int fd = m_client.get();
    std::string bytes(kMaxClientHelloRecords, '\0');
    const ssize_t n = ::recv(fd, bytes.data(), bytes.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) {
        bytes.resize(size_t(n));
        const ClientHelloScan scan = scanClientHello(bytes);
        if (scan.status != ClientHelloScan::Status::NeedMore)
            return onHello(scan.status == ClientHelloScan::Status::Hello && scan.offersHttp2);
    } else if (n == 0 || errno != EAGAIN) {
        return onHello(false); // gone: the bridge's handshake says so
    }
    const int lowWater = int(std::max<ssize_t>(n, 0)) + 1;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &lowWater, sizeof lowWater);
    if (m_helloBytes) return;
    m_helloBytes = std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read);
    connect(m_helloBytes.get(), &QSocketNotifier::activated, this, &InspectedStart::peekHello);
    m_helloDeadline.start(kHelloWaitMs);
}

void InspectedStart::onHello(bool offersHttp2)
{
    m_helloBytes.reset();
    m_helloDeadline.stop();
    const int one = 1;
    ::setsockopt(m_client.get(), SOL_SOCKET, SO_RCVLOWAT, &one, sizeof one);
    const QList<EgressRule> &rules = m_sandbox.service().orderedRules(m_sandbox.sandboxId());
    if (offersHttp2 && !handlerMayDecide(rules, m_dest)) return dialUpstream();
    terminate(false);
}

void InspectedStart::dialUpstream()
{
    auto plan = m_sandbox.service().planUpstream(m_sandbox.sandboxId(), m_dest);
    if (!plan) return terminate(false);
    m_dial = new UpstreamDial(
        std::move(*plan), [this](Result<Upstream> r) { onDialled(std::move(r)); }, this);
    m_dial->start();
}

void InspectedStart::onDialled(Result<Upstream> r)
{
    m_dial->deleteLater();
    m_dial = nullptr;
    Inspection *inspection = m_sandbox.service().inspection();
    auto pair = plainSocketPair();
    if (!r || !inspection || !pair) return terminate(false);
    m_upstreamDescription = r->description + QStringLiteral(" (TLS verified)");
    m_upstreamPlain = std::move(pair->second);
    QPointer<InspectedStart> self(this);
    inspection->originate(
        std::move(r->fd), std::move(pair->first), name(), m_sandbox.tlsBudget(),
        [self](Result<tls::TlsHandshake> secured) {
            if (self) self->onUpstreamSecured(std::move(secured));
        },
        true);
}

void InspectedStart::onUpstreamSecured(Result<tls::TlsHandshake> r)
{
    if (!r) {
        m_upstreamPlain.reset();
        return terminate(false);
    }
    m_upstream = std::move(m_upstreamPlain);
    m_upstreamAlpn = r->alpn;
    terminate(m_upstreamAlpn == QStringLiteral("h2"));
}

void InspectedStart::terminate(bool mayChooseHttp2)
{
    Inspection *inspection = m_sandbox.service().inspection();
    if (!inspection) return failed(QStringLiteral("TLS inspection is unavailable"), true);
    auto pair = plainSocketPair();
    if (!pair) return failed(pair.error().message, false);
    m_gateSide = std::move(pair->second);
    QPointer<InspectedStart> self(this);
    inspection->terminate(
        std::move(m_client), std::move(pair->first), name(), m_sandbox.tlsBudget(),
        [self](Result<tls::TlsHandshake> r) {
            if (self) self->onTerminated(std::move(r));
        },
        mayChooseHttp2);
}

void InspectedStart::onTerminated(Result<tls::TlsHandshake> handshake)
{
    if (!handshake)
        return failed(
            handshake.error().message, handshake.error().code == ErrorCode::PermissionDenied);
    if (handshake->alpn == QStringLiteral("h2") && m_upstream.valid()
        && m_upstreamAlpn == QStringLiteral("h2")) {
        auto *gate = new h2::H2Gate(m_sandbox, std::move(m_gateSide), std::move(m_upstream),
            m_upstreamDescription, m_dest, m_process, std::move(m_lease));
        gate->start();
    } else {
        auto *gate = new HttpGate(m_sandbox, std::move(m_gateSide), m_dest, m_process,
            std::move(m_lease), GateTransport::Inspected);
        if (m_upstream.valid() && m_upstreamAlpn != QStringLiteral("h2"))
            gate->adoptUpstream(std::move(m_upstream), m_upstreamDescription);
        gate->start();
    }
    deleteLater();
}

// The sandbox's TLS did not get as far as a gate: a refusal (a server name
// other than the connection's) is logged denied; anything else, allowed
// but failed.
void InspectedStart::failed(const QString &why, bool refused)
{
    EgressLogEntry e = decisionEntry(m_sandbox.sandboxId(), m_dest, QStringLiteral("tls"),
        refused ? EgressVerdict::Denied : EgressVerdict::Allowed, m_rule, refused ? why : QString(),
        m_process);
    if (!refused) e.failure = why;
    m_sandbox.service().decisionLog().record(e);
    deleteLater();
}

} // namespace paddock::egress
