#include "tls_contexts.h"

#include "openssl_handles.h"

#include <openssl/err.h>

namespace paddock::egress::tls {

namespace {

constexpr unsigned char kHttp11[] = { 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };
// h2 first: a side offered both speaks HTTP/2 when it can.
constexpr unsigned char kHttp2AndHttp11[]
    = { 2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1' };

SslCtxPtr newContext(const SSL_METHOD *method)
{
    SslCtxPtr ctx(SSL_CTX_new(method), SSL_CTX_free);
    if (!ctx) return ctx;
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // The bridges write from buffers they compact, and take partial writes.
    SSL_CTX_set_mode(ctx.get(),
        SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
            | SSL_MODE_RELEASE_BUFFERS);
    // A peer that closes without close_notify ends its stream like one
    // that sends it: HTTP's own framing tells a cut-off message.
    SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);
    // AES-128-GCM first, on both sides: as safe, and a third cheaper than
    // AES-256 for every byte Paddock decrypts and encrypts again (Go's
    // order too). The sandbox side chooses; upstreams mostly follow ours.
    SSL_CTX_set_ciphersuites(
        ctx.get(), "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
    SSL_CTX_set_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE);
    return ctx;
}

// Among what the sandbox's client offers: h2 where the session may speak
// it (its upstream chose h2 too), else HTTP/1.1, else no protocol (an
// HTTP/1.1 client without ALPN still works).
int selectProtocol(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned inlen, void *)
{
    const auto *name = static_cast<const ExpectedServerName *>(SSL_get_app_data(ssl));
    const bool http2 = name && name->mayChooseHttp2;
    unsigned char *selected = nullptr;
    if (SSL_select_next_proto(&selected, outlen, http2 ? kHttp2AndHttp11 : kHttp11,
            http2 ? sizeof kHttp2AndHttp11 : sizeof kHttp11, in, inlen)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

bool sameName(std::string a, std::string b)
{
    auto fold = [](std::string &s) {
        if (!s.empty() && s.back() == '.') s.pop_back();
        for (char &c : s)
            if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    };
    fold(a);
    fold(b);
    return a == b;
}

int checkServerName(SSL *ssl, int *alert, void *)
{
    auto *name = static_cast<ExpectedServerName *>(SSL_get_app_data(ssl));
    const char *asked = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name || !asked || sameName(asked, name->expected)) return SSL_TLSEXT_ERR_OK;
    name->refused = std::string(asked).substr(0, 253);
    *alert = SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

Result<SslCtxPtr> makeServerContext()
{
    SslCtxPtr ctx = newContext(TLS_server_method());
    if (!ctx)
        return fail(ErrorCode::Internal,
            opensslFailure(QStringLiteral("cannot make the sandbox-side TLS context")));
    SSL_CTX_set_alpn_select_cb(ctx.get(), selectProtocol, nullptr);
    SSL_CTX_set_tlsext_servername_callback(ctx.get(), checkServerName);
    // Each connection is one sandbox's: no session resumption across them.
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx.get(), 0);
    return ctx;
}

Result<SslCtxPtr> makeClientContext(const QList<QByteArray> &extraCaPems)
{
    SslCtxPtr ctx = newContext(TLS_client_method());
    if (!ctx)
        return fail(ErrorCode::Internal,
            opensslFailure(QStringLiteral("cannot make the upstream TLS context")));
    if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1)
        return fail(ErrorCode::Internal,
            opensslFailure(QStringLiteral("cannot load the host's trust store")));
    X509_STORE *store = SSL_CTX_get_cert_store(ctx.get());
    for (const QByteArray &pem : extraCaPems) {
        X509Ptr cert = certificateFromPem(pem);
        if (!cert || X509_STORE_add_cert(store, cert.get()) != 1)
            ERR_clear_error(); // a duplicate of a host CA, or checked when it was added
    }
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_alpn_protos(ctx.get(), kHttp11, sizeof kHttp11);
    return ctx;
}

} // namespace

bool offerHttp2(SSL *ssl)
{
    return SSL_set_alpn_protos(ssl, kHttp2AndHttp11, sizeof kHttp2AndHttp11) == 0;
}

void expectServerName(SSL *ssl, ExpectedServerName *name)
{
    SSL_set_app_data(ssl, name);
}

Result<std::unique_ptr<TlsContexts>> TlsContexts::create(const QList<QByteArray> &extraCaPems)
{
    std::unique_ptr<TlsContexts> contexts(new TlsContexts);
    auto server = makeServerContext();
    if (!server) return tl::unexpected(server.error());
    contexts->m_server = std::move(*server);
    if (auto r = contexts->setExtraCas(extraCaPems); !r) return tl::unexpected(r.error());
    return contexts;
}

SslCtxPtr TlsContexts::clientContext() const
{
    std::lock_guard lock(m_mutex);
    return m_client;
}

Result<void> TlsContexts::setExtraCas(const QList<QByteArray> &extraCaPems)
{
    auto client = makeClientContext(extraCaPems);
    if (!client) return tl::unexpected(client.error());
    std::lock_guard lock(m_mutex);
    m_client = std::move(*client);
    return {};
}

Result<QList<QByteArray>> splitCertificatePems(const QByteArray &pem)
{
    static const QByteArray kBegin = "-----BEGIN CERTIFICATE-----";
    static const QByteArray kEnd = "-----END CERTIFICATE-----";
    QList<QByteArray> certs;
    for (qsizetype at = pem.indexOf(kBegin); at >= 0; at = pem.indexOf(kBegin, at + 1)) {
        const qsizetype end = pem.indexOf(kEnd, at);
        if (end < 0)
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("a certificate's BEGIN line has no END line"));
        const QByteArray one = pem.mid(at, end + kEnd.size() - at) + '\n';
        X509Ptr cert = certificateFromPem(one);
        if (!cert)
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("certificate %1 in the file does not parse").arg(certs.size() + 1));
        certs.append(certificatePem(cert.get()));
    }
    if (certs.isEmpty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("no PEM certificate (-----BEGIN CERTIFICATE-----) in the file"));
    return certs;
}

} // namespace paddock::egress::tls
