// The OpenSSL contexts inspected egress runs on: one for the sandbox side
// (Paddock answers as the destination, with a leaf minted for its name)
// and one for the upstream side (Paddock is the client, and verifies the
// destination's certificate against the host's trust store plus the CAs
// the user added with `paddock egress trust-ca`).
//
// Both offer HTTP/1.1 by ALPN; a session may offer h2 as well (see
// offerHttp2 and ExpectedServerName::mayChooseHttp2), so that h2 is
// spoken to the sandbox only where the upstream speaks it too.
//
// Thread ownership: made on the engine thread; the contexts are shared
// with the TLS workers (an SSL_CTX is safe to make connections from on any
// thread). Replacing the upstream trust swaps the client context: open
// connections keep the one they started with.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QList>

#include <openssl/ssl.h>

#include <memory>
#include <mutex>
#include <string>

namespace paddock::egress::tls {

using SslCtxPtr = std::shared_ptr<SSL_CTX>;

class TlsContexts {
public:
    // `extraCaPems`: certificates the upstream side trusts beyond the host's store.
    static Result<std::unique_ptr<TlsContexts>> create(const QList<QByteArray> &extraCaPems);

    SslCtxPtr serverContext() const { return m_server; }
    SslCtxPtr clientContext() const;
    Result<void> setExtraCas(const QList<QByteArray> &extraCaPems);

private:
    TlsContexts() = default;

    SslCtxPtr m_server;
    mutable std::mutex m_mutex; // guards m_client
    SslCtxPtr m_client;
};

// The Terminate side's check of the name a sandbox's client asks for (SNI):
// set on a session before its handshake; a name other than `expected`
// fails the handshake, and is kept in `refused`.
struct ExpectedServerName {
    std::string expected; // lower case; a literal address for address destinations
    std::string refused;
    bool mayChooseHttp2 = false; // the client is answered h2 when it offers it
};
void expectServerName(SSL *ssl, ExpectedServerName *name);

// An upstream session offers h2 before HTTP/1.1; false when it cannot be set.
bool offerHttp2(SSL *ssl);

// A PEM text's certificates; an error when it holds none or one does not parse.
Result<QList<QByteArray>> splitCertificatePems(const QByteArray &pem);

} // namespace paddock::egress::tls
