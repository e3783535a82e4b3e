// How an inspected connection begins, between the rule that said
// "inspect" (intercepted_connection.h) and the gate that reads its
// requests:
//
//   peek at the sandbox's ClientHello (nothing is taken from the socket:
//   the TLS bridge reads it whole)
//   → it offers h2, and no handler may decide here: dial the upstream now
//     and offer it h2 and HTTP/1.1, so the sandbox is answered h2 only
//     where the upstream speaks it too (an h2 client to an HTTP/1.1
//     server would otherwise need translating)
//   → terminate the sandbox's TLS, h2 chosen only when the upstream chose it
//   → both h2: H2Gate (h2/h2_gate.h); else the HTTP/1.1 gate, given the
//     upstream connection already made when it speaks HTTP/1.1.
//
// Dialling before a request is decided opens a connection no request may
// use; no byte of the sandbox's goes on it until one is allowed, as with
// the HTTP/1.1 gate's own dial. When the early dial fails, the sandbox is
// answered HTTP/1.1, and the gate's dial for its first request reports the
// failure on that request.
//
// Thread ownership: the engine thread. Deletes itself once a gate has the
// connection, or it failed (logged).
#pragma once

#include "connection_lease.h"
#include "destination.h"

#include "paddock/egress.h"
#include "paddock/error.h"
#include "paddock/unique_fd.h"

#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>
#include <optional>

namespace paddock::egress {

class SandboxEgress;
class UpstreamDial;
struct Upstream;
namespace tls {
struct TlsHandshake;
}

class InspectedStart : public QObject {
    Q_OBJECT
public:
    // The ClientHello arrives within this, or is read without looking at its ALPN.
    static constexpr int kHelloWaitMs = 10'000;

    // `rule`: the inspect rule that decided the connection, for its log entry.
    InspectedStart(SandboxEgress &sandbox, UniqueFd client, Destination dest, QString process,
        std::optional<EgressRule> rule, ConnectionLease lease);
    ~InspectedStart() override;
    void start();

private:
    void peekHello();
    void onHello(bool offersHttp2);
    void failed(const QString &why, bool refused);
    void dialUpstream();
    void onDialled(Result<Upstream> r);
    void onUpstreamSecured(Result<tls::TlsHandshake> r);
    void terminate(bool mayChooseHttp2);
    void onTerminated(Result<tls::TlsHandshake> handshake);
    QString name() const;

    SandboxEgress &m_sandbox;
    UniqueFd m_client; // the sandbox's TLS, until the bridge takes it
    UniqueFd m_gateSide; // the plaintext of it, for the gate
    Destination m_dest;
    QString m_process;
    std::optional<EgressRule> m_rule;
    ConnectionLease m_lease;
    std::unique_ptr<QSocketNotifier> m_helloBytes;
    QTimer m_helloDeadline;
    UpstreamDial *m_dial = nullptr;
    UniqueFd m_upstream; // the verified upstream's plaintext, once made early
    UniqueFd m_upstreamPlain; // while its TLS is set up: the gate's end of it
    QString m_upstreamDescription;
    QString m_upstreamAlpn;
};

} // namespace paddock::egress
