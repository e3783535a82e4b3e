// The HTTP gate's connection to the upstream (http_gate.h): dialled when
// the first allowed request needs it, through the forward proxy when one
// is set; when inspected, verified TLS before a byte of the request goes
// to it; dropped after a request with a body, an upgrade, or a response
// that ends it, so the next request dials anew.
#include "http_gate.h"

#include "egress_service.h"
#include "gate_shared.h"
#include "inspection.h"
#include "sandbox_egress.h"
#include "upstream_dialer.h"

#include <QPointer>

namespace paddock::egress {

namespace {

QString destinationName(const Destination &dest)
{
    return dest.host.isEmpty() ? dest.address.toString() : dest.host;
}

} // namespace

void HttpGate::dial()
{
    auto plan = m_sandbox.service().planUpstream(m_sandbox.sandboxId(), m_dest);
    if (!plan) return failUpstream(plan.error().message, false);
    m_dialling = true;
    m_dial = new UpstreamDial(
        std::move(*plan), [this](Result<Upstream> r) { onDialled(std::move(r)); }, this);
    m_dial->start();
}

void HttpGate::onDialled(Result<Upstream> r)
{
    m_dial->deleteLater();
    m_dial = nullptr;
    if (!r) {
        m_dialling = false;
        if (r.error().code == ErrorCode::PermissionDenied) return refuse(403, r.error().message);
        return failUpstream(r.error().message, false);
    }
    if (m_transport == GateTransport::Inspected) return secureUpstream(std::move(*r));
    m_dialling = false;
    attachUpstream(std::move(r->fd), r->description);
}

// Inspected: the upstream must prove it is the destination before a byte
// of the request goes to it. Until then the gate does not read it, so a
// failed handshake fails the request with its own reason.
void HttpGate::secureUpstream(Upstream upstream)
{
    Inspection *inspection = m_sandbox.service().inspection();
    auto pair = plainSocketPair();
    if (!inspection || !pair) {
        m_dialling = false;
        return failUpstream(
            pair ? QStringLiteral("TLS inspection is unavailable") : pair.error().message, false);
    }
    auto plain = std::make_shared<UniqueFd>(std::move(pair->second));
    const QString description = upstream.description + QStringLiteral(" (TLS verified)");
    QPointer<HttpGate> self(this);
    inspection->originate(std::move(upstream.fd), std::move(pair->first), destinationName(m_dest),
        m_sandbox.tlsBudget(), [self, plain, description](Result<tls::TlsHandshake> r) {
            if (!self || self->m_finished) return;
            self->m_dialling = false;
            if (!r) return self->failUpstream(r.error().message, false);
            self->attachUpstream(std::move(*plain), description);
        });
}

void HttpGate::adoptUpstream(UniqueFd upstream, const QString &description)
{
    m_adopted = std::move(upstream); // attached in start()
    m_upstreamDescription = description;
}

void HttpGate::attachUpstream(UniqueFd fd, const QString &description)
{
    m_upstream = std::move(fd);
    m_upstreamDescription = description;
    m_log.setUpstream(m_upstreamDescription);
    m_upstreamRead = std::make_unique<QSocketNotifier>(m_upstream.get(), QSocketNotifier::Read);
    m_upstreamWrite = std::make_unique<QSocketNotifier>(m_upstream.get(), QSocketNotifier::Write);
    connect(m_upstreamRead.get(), &QSocketNotifier::activated, this, [this] {
        onEngineTime(m_sandbox, [this] { readUpstream(); }, [this] { updateNotifiers(); });
    });
    connect(m_upstreamWrite.get(), &QSocketNotifier::activated, this, &HttpGate::flush);
    flush();
}

// Closes the upstream connection; the next request dials a new one.
void HttpGate::dropUpstream()
{
    m_upstreamRead.reset();
    m_upstreamWrite.reset();
    m_upstream.reset();
    m_fromUpstream.clear();
    m_toUpstream.clear();
    m_upstreamEof = m_upstreamGone = m_upstreamShut = false;
    m_upstreamReusable = true;
}

} // namespace paddock::egress
