// What inspect rules need beyond the rules themselves: leaves minted from
// Paddock's CA, the TLS contexts, the worker threads that run TLS, the CAs
// the user trusts upstream, and the secrets injections name.
//
// A connection is inspected as two TLS bridges around the HTTP gate:
//
//   sandbox ──TLS──▶ [terminate] ─plain─▶ HttpGate ─plain─▶ [originate] ──TLS──▶ upstream
//
// HTTP/2 goes through H2Gate (h2/h2_gate.h) in the gate's place, when
// both the sandbox's client and the upstream chose it (inspected_start.h).
//
// The bridges run on the workers; the gate, on the engine thread, sees
// only plaintext: the same gate that decides plain HTTP, so an inspected
// request is framed, Host-checked and decided by method and path exactly
// as a plain one, then injected.
//
// Thread ownership: the engine thread. Handshake results come back to it.
#pragma once

#include "tls/leaf_minter.h"
#include "tls/tls_bridge.h"
#include "tls/tls_contexts.h"
#include "tls/tls_worker_pool.h"
#include "tls/upstream_ca_store.h"

#include "paddock/egress.h"
#include "paddock/engine.h"
#include "paddock/unique_fd.h"

#include <QObject>

#include <map>
#include <memory>
#include <string>

namespace paddock::secrets {
class SecretVault;
}

namespace paddock::egress {

namespace tls {
class PaddockCa;
}

class Inspection : public QObject {
    Q_OBJECT
public:
    // `ca` and `vault` outlive it.
    static Result<std::unique_ptr<Inspection>> create(const tls::PaddockCa &ca,
        const QString &upstreamCaDir, secrets::SecretVault &vault, QObject *parent = nullptr);
    ~Inspection() override;

    // On the engine thread, once the handshake ended (or failed).
    using HandshakeDone = std::function<void(Result<tls::TlsHandshake>)>;
    // The sandbox's TLS on `sandboxSide`, answered as `name`; `plain` gets
    // its bytes. h2 is chosen for it only `mayChooseHttp2`.
    // Both hold their queues in the sandbox's `budget`.
    void terminate(UniqueFd sandboxSide, UniqueFd plain, const QString &name,
        std::shared_ptr<tls::BridgeBudget> budget, HandshakeDone done, bool mayChooseHttp2 = false);
    // TLS to the upstream on `upstream`, which must prove to be `name`;
    // it is offered h2 before HTTP/1.1 with `offerHttp2`.
    void originate(UniqueFd upstream, UniqueFd plain, const QString &name,
        std::shared_ptr<tls::BridgeBudget> budget, HandshakeDone done, bool offerHttp2 = false);

    using SecretValues = std::map<std::string, std::string>;
    // Every named secret's value, or the first that cannot be had.
    void resolveSecrets(const QStringList &names, Callback<SecretValues> done);
    // The placeholders given out, by secret name.
    std::map<std::string, std::string> placeholders();

    Result<QList<TrustedUpstreamCa>> trustedCas() const { return m_cas.list(); }
    Result<QList<TrustedUpstreamCa>> trustCa(const QByteArray &pem);
    Result<void> untrustCa(const QString &fingerprint);

    int openTlsBridges() const { return m_workers->openBridges(); }

private:
    Inspection(std::unique_ptr<tls::LeafMinter> minter, std::unique_ptr<tls::TlsContexts> contexts,
        tls::UpstreamCaStore cas, secrets::SecretVault &vault, QObject *parent);
    struct SecretRequest;
    void resolveNext(std::shared_ptr<SecretRequest> request);
    void bridge(tls::TlsBridgeSpec spec, HandshakeDone done);
    Result<void> reloadCas();

    std::unique_ptr<tls::LeafMinter> m_minter;
    std::unique_ptr<tls::TlsContexts> m_contexts;
    tls::UpstreamCaStore m_cas;
    secrets::SecretVault &m_vault;
    std::unique_ptr<tls::TlsWorkerPool> m_workers; // last: stops before what its bridges use
};

// Two connected stream sockets for a bridge's plaintext side.
Result<std::pair<UniqueFd, UniqueFd>> plainSocketPair();

} // namespace paddock::egress
