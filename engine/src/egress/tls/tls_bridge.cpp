#include "tls_bridge.h"

#include "openssl_handles.h"
#include "queue_write_bio.h"

#include "egress/egress_limits.h"

#include <QHostAddress>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>

namespace paddock::egress::tls {

namespace {

// Per direction, then the reader waits for the writer; less once the
// sandbox's bridges hold their budget (limits::kTlsBufferPerSandbox).
constexpr size_t kMaxPending = 256 * 1024;
constexpr size_t kReadSize = 256 * 1024;
// OpenSSL's own buffer, one per connection side and outside the sandbox's
// budget while the plaintext side is full: four records, no more (128 KiB
// measured no faster).
constexpr size_t kTlsReadAhead = 64 * 1024;

// One per worker thread, not one per bridge: a worker pumps one at a time.
char *readBuffer()
{
    thread_local std::unique_ptr<char[]> buffer(new char[kReadSize]);
    return buffer.get();
}

bool isAddress(const QString &name)
{
    return !QHostAddress(name).isNull();
}

// What a person can do about a certificate the upstream side refused.
QString verifyHint(long verify)
{
    switch (verify) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        return QStringLiteral(
            " (if that server is yours, add its CA with `paddock egress trust-ca FILE`)");
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return QStringLiteral(
            " (the certificate is for another name: is the name pointed at the right server? "
            "see `paddock egress resolve`)");
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return QStringLiteral(" (check the server's certificate dates, and this machine's clock)");
    default:
        return {};
    }
}

} // namespace

TlsBridge::TlsBridge(TlsBridgeSpec spec)
    : m_spec(std::move(spec))
    , m_deadline(std::chrono::steady_clock::now() + kHandshakeTimeout)
{
    if (m_spec.budget) m_spec.budget->bridgeOpened();
}

TlsBridge::~TlsBridge()
{
    if (!m_reported)
        report(paddock::fail(
            ErrorCode::Internal, QStringLiteral("TLS stopped before its handshake ended")));
    if (m_ssl) SSL_free(m_ssl);
    if (m_spec.budget) {
        m_spec.budget->recount(m_counted, 0);
        m_spec.budget->bridgeClosed();
    }
}

size_t TlsBridge::mostQueued() const
{
    return m_spec.budget && m_spec.budget->spent() ? limits::kTlsBufferFloor : kMaxPending;
}

size_t TlsBridge::room(const ByteQueue &queue) const
{
    const size_t most = mostQueued();
    return queue.size() < most ? most - queue.size() : 0;
}

void TlsBridge::recount()
{
    m_toPlain.releaseIfEmpty();
    m_toTls.releaseIfEmpty();
    m_toEncrypted.releaseIfEmpty();
    const size_t now = m_toPlain.footprint() + m_toTls.footprint() + m_toEncrypted.footprint();
    if (m_spec.budget) m_spec.budget->recount(m_counted, now);
    m_counted = now;
}

bool TlsBridge::begin()
{
    ERR_clear_error();
    const bool ok
        = m_spec.role == TlsBridgeSpec::Role::Terminate ? setUpTerminate() : setUpOriginate();
    if (!ok) return false;
    BIO *reads = BIO_new_socket(m_spec.encrypted.get(), BIO_NOCLOSE);
    BIO *writes = newQueueWriteBio(&m_encryptedSink);
    if (!reads || !writes) {
        BIO_free(reads);
        BIO_free(writes);
        fail(opensslFailure(QStringLiteral("cannot set up TLS for %1").arg(m_spec.name)));
        return false;
    }
    SSL_set_bio(m_ssl, reads, writes);
    // Reads as many records as have arrived, not a header and then a body:
    // a large download takes a read(2) per 64 KiB instead of two per 16.
    SSL_set_read_ahead(m_ssl, 1);
    SSL_set_default_read_buffer_len(m_ssl, kTlsReadAhead);
    // A response's head and body become separate records: Nagle would hold
    // the second until the first is acknowledged, a delayed ACK away (40 ms).
    const int on = 1;
    ::setsockopt(m_spec.encrypted.get(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    pump();
    return true;
}

bool TlsBridge::setUpTerminate()
{
    auto leaf = m_spec.minter->leafFor(m_spec.name);
    if (!leaf) {
        fail(leaf.error().message);
        return false;
    }
    m_ssl = SSL_new(m_spec.context.get());
    if (!m_ssl || SSL_use_certificate(m_ssl, (*leaf)->certificate.get()) != 1
        || SSL_use_PrivateKey(m_ssl, (*leaf)->key) != 1) {
        fail(opensslFailure(QStringLiteral("cannot set up TLS for the sandbox")));
        return false;
    }
    m_serverName.expected = m_spec.name.toLower().toStdString();
    m_serverName.mayChooseHttp2 = m_spec.http2;
    expectServerName(m_ssl, &m_serverName);
    SSL_set_accept_state(m_ssl);
    return true;
}

bool TlsBridge::setUpOriginate()
{
    m_ssl = SSL_new(m_spec.context.get());
    if (!m_ssl) {
        fail(opensslFailure(QStringLiteral("cannot set up TLS to the upstream")));
        return false;
    }
    const QByteArray name = m_spec.name.toLatin1();
    const bool named = isAddress(m_spec.name)
        ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(m_ssl), name.constData()) == 1
        : SSL_set_tlsext_host_name(m_ssl, name.constData()) == 1
            && SSL_set1_host(m_ssl, name.constData()) == 1;
    if (!named || (m_spec.http2 && !offerHttp2(m_ssl))) {
        fail(opensslFailure(QStringLiteral("cannot ask TLS for %1").arg(m_spec.name)));
        return false;
    }
    SSL_set_connect_state(m_ssl);
    return true;
}

void TlsBridge::pump()
{
    if (m_finished) return;
    m_writeWantsRead = false;
    m_encryptedSink.most = mostQueued();
    if (!m_handshaken) {
        continueHandshake();
        sendTls();
        if (!m_handshaken || m_finished) return recount();
    }
    noticePlainHangup();
    // Bounded, so one busy connection cannot hold its worker: the sockets
    // are still ready and the next wait returns at once.
    bool movedAny = false;
    for (int round = 0; round < 16 && !m_finished; ++round) {
        const bool moved = readTls() | writePlain() | readPlain() | encryptPlain() | sendTls();
        endDirections();
        movedAny = movedAny || moved;
        if (!moved) break;
    }
    watchClosing(movedAny);
    recount();
}

// The gate closed its end while the bridge was not reading it (its queue
// full, the peer not taking what it holds): only a hang-up tells, and
// nobody takes what the peer sends from now on. What the gate wrote
// before it closed is still read, as room comes.
void TlsBridge::noticePlainHangup()
{
    if (!watchesPlainHangup() || room(m_toTls) > 0) return;
    pollfd p { m_spec.plain.get(), 0, 0 };
    if (::poll(&p, 1, 0) != 1 || !(p.revents & (POLLHUP | POLLERR))) return;
    m_plainGone = true;
    m_toPlain.clear();
}

// Once the plaintext side has ended (its gate is done) the bridge only
// delivers what it holds and closes. A peer that then takes nothing and
// sends nothing would hold it, its two sockets and its queues for good,
// outside every connection's lease: the bridge gives up once nothing has
// moved for closingTimeout. A peer still taking or sending keeps it.
void TlsBridge::watchClosing(bool moved)
{
    if (!(m_plainEnded || m_plainGone) || m_finished) return;
    if (moved || m_deadline == std::chrono::steady_clock::time_point::max())
        m_deadline = std::chrono::steady_clock::now() + m_spec.closingTimeout;
}

void TlsBridge::continueHandshake()
{
    ERR_clear_error();
    const int r = SSL_do_handshake(m_ssl);
    if (r == 1) {
        m_handshaken = true;
        m_deadline = std::chrono::steady_clock::time_point::max();
        const unsigned char *alpn = nullptr;
        unsigned alpnLength = 0;
        SSL_get0_alpn_selected(m_ssl, &alpn, &alpnLength);
        report(TlsHandshake {
            QString::fromLatin1(reinterpret_cast<const char *>(alpn), int(alpnLength)),
            QString::fromLatin1(SSL_get_version(m_ssl)) });
        return;
    }
    const int e = SSL_get_error(m_ssl, r);
    m_sslWantsRead = e == SSL_ERROR_WANT_READ;
    if (m_sslWantsRead || e == SSL_ERROR_WANT_WRITE) return; // WANT_WRITE: its queue is full
    sendTls(); // the alert that tells the peer why, where the socket takes it
    // A server name other than the connection's is refused, not failed.
    fail(handshakeFailure(e), m_serverName.refused.empty() ? ErrorCode::Io : ErrorCode::PermissionDenied);
}

QString TlsBridge::handshakeFailure(int sslError)
{
    if (m_spec.role == TlsBridgeSpec::Role::Terminate) {
        if (!m_serverName.refused.empty())
            return QStringLiteral("TLS refused: the sandbox asked for '%1' (SNI), but the "
                                  "connection was opened for %2")
                .arg(QString::fromStdString(m_serverName.refused), m_spec.name);
        const QString why = sslError == SSL_ERROR_SYSCALL && ERR_peek_error() == 0
            ? QStringLiteral("the connection ended")
            : opensslFailure(QStringLiteral("OpenSSL"));
        ERR_clear_error();
        return QStringLiteral(
            "the sandbox's TLS client gave up the handshake (does it trust Paddock's CA?): %1")
            .arg(why);
    }
    const long verify = SSL_get_verify_result(m_ssl);
    if (verify != X509_V_OK) {
        ERR_clear_error();
        return QStringLiteral("the upstream's certificate for %1 is not trusted: %2%3")
            .arg(m_spec.name, QString::fromLatin1(X509_verify_cert_error_string(verify)),
                verifyHint(verify));
    }
    if (sslError == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
        return QStringLiteral(
            "TLS with the upstream %1 failed: the connection ended during the handshake")
            .arg(m_spec.name);
    return opensslFailure(QStringLiteral("TLS with the upstream %1 failed").arg(m_spec.name));
}

// TLS → plain: as much as the plaintext side's queue takes. Reading may
// also answer the peer (a key update), and a peer may ask without reading
// the answers: a read adds at most a record's floor of them to the queue,
// then waits (SSL_ERROR_WANT_WRITE) until the queue drains. Application
// data is read whatever the queue holds, as from a socket BIO: an upstream
// that writes before it reads more must not wait on our writes.
bool TlsBridge::readTls()
{
    bool moved = false;
    m_readWantsWrite = false;
    m_encryptedSink.most = std::min(mostQueued(), m_toEncrypted.size() + limits::kTlsBufferFloor);
    while (!m_tlsEnded && !m_plainGone && room(m_toPlain) > 0) {
        char buf[16 * 1024];
        ERR_clear_error();
        const int n = SSL_read(m_ssl, buf, sizeof buf);
        if (n > 0) {
            m_toPlain.append(std::string_view(buf, size_t(n)));
            moved = true;
            continue;
        }
        const int e = SSL_get_error(m_ssl, n);
        if (e == SSL_ERROR_WANT_READ) break;
        if (e == SSL_ERROR_WANT_WRITE) { // an answer to the peer waits for room
            m_readWantsWrite = true;
            break;
        }
        // close_notify, the socket's end, or a broken stream: nothing more comes.
        ERR_clear_error();
        m_tlsEnded = true;
        moved = true;
    }
    return moved;
}

bool TlsBridge::writePlain()
{
    if (m_toPlain.empty() || m_plainGone) return false;
    const ssize_t n = ::send(
        m_spec.plain.get(), m_toPlain.data(), m_toPlain.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
        m_toPlain.consume(size_t(n));
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    m_plainGone = m_plainEnded = true; // it closed: nobody takes these bytes
    m_toPlain.clear();
    return true;
}

bool TlsBridge::readPlain()
{
    if (m_plainEnded || room(m_toTls) == 0) return false;
    char *buf = readBuffer();
    const ssize_t n = ::recv(m_spec.plain.get(), buf, std::min(kReadSize, room(m_toTls)), MSG_DONTWAIT);
    if (n > 0) {
        m_toTls.append(std::string_view(buf, size_t(n)));
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    m_plainEnded = true;
    return true;
}

// Plain → TLS records, into the queue the encrypted socket is sent from.
bool TlsBridge::encryptPlain()
{
    bool moved = false;
    m_encryptedSink.most = mostQueued();
    while (!m_toTls.empty() && !m_encryptedGone && room(m_toEncrypted) > 0) {
        ERR_clear_error();
        const int n
            = SSL_write(m_ssl, m_toTls.data(), int(std::min<size_t>(m_toTls.size(), INT_MAX)));
        if (n > 0) {
            m_toTls.consume(size_t(n));
            moved = true;
            continue;
        }
        const int e = SSL_get_error(m_ssl, n);
        if (e == SSL_ERROR_WANT_WRITE) break; // the records queue is full
        if (e == SSL_ERROR_WANT_READ) {
            m_writeWantsRead = true;
            break;
        }
        ERR_clear_error();
        breakOffEncrypted();
        moved = true;
    }
    return moved;
}

bool TlsBridge::sendTls()
{
    if (m_toEncrypted.empty() || m_encryptedGone) return false;
    const ssize_t n = ::send(m_spec.encrypted.get(), m_toEncrypted.data(), m_toEncrypted.size(),
        MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
        m_toEncrypted.consume(size_t(n));
        return true;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return false;
    breakOffEncrypted();
    return true;
}

// The peer is gone: what it did not take is dropped.
void TlsBridge::breakOffEncrypted()
{
    m_encryptedGone = m_tlsEnded = true;
    m_toTls.clear();
    m_toEncrypted.clear();
}

// Each side's end reaches the other once what came before it has.
void TlsBridge::endDirections()
{
    if (m_tlsEnded && m_toPlain.empty() && !m_plainShut) {
        m_plainShut = true;
        ::shutdown(m_spec.plain.get(), SHUT_WR);
    }
    // Once every record before it has left, so the close_notify always fits.
    if (m_plainEnded && m_toTls.empty() && (m_toEncrypted.empty() || m_encryptedGone) && !m_closeNotifySent) {
        m_closeNotifySent = true;
        if (!m_encryptedGone) {
            ERR_clear_error();
            SSL_shutdown(m_ssl);
            ERR_clear_error();
            sendTls();
        }
    }
    // The socket's end follows the close_notify once it has left.
    if (m_closeNotifySent && !m_encryptedShut && (m_toEncrypted.empty() || m_encryptedGone)) {
        m_encryptedShut = true;
        if (!m_encryptedGone) ::shutdown(m_spec.encrypted.get(), SHUT_WR);
    }
    const bool tlsDone = m_tlsEnded && (m_toPlain.empty() || m_plainGone);
    const bool plainDone = m_plainEnded && m_encryptedShut;
    // A peer that broke off takes nothing more: the bridge ends, and closing
    // the plaintext side tells the gate (or it would wait to write forever).
    if ((tlsDone && plainDone) || (m_plainGone && plainDone)
        || (m_encryptedGone && m_toPlain.empty()))
        m_finished = true;
}

void TlsBridge::abandon(const QString &why)
{
    if (m_finished) return;
    fail(why);
}

void TlsBridge::expire()
{
    using std::chrono::duration_cast, std::chrono::seconds;
    abandon(m_handshaken
            ? QStringLiteral("TLS closing timed out: nothing moved for %1 s after the connection ended")
                  .arg(duration_cast<seconds>(m_spec.closingTimeout).count())
            : QStringLiteral("TLS timed out: no handshake within %1 s").arg(kHandshakeTimeout.count()));
}

void TlsBridge::fail(const QString &why, ErrorCode code)
{
    m_finished = true;
    report(tl::unexpected(Error { code, why, {}, 0 }));
}

// Called once, then let go: what the callback holds (a gate's end of this
// bridge's plaintext socket, until the engine thread takes it) must not
// live as long as the bridge, or the bridge never hears that end close.
void TlsBridge::report(Result<TlsHandshake> r)
{
    if (std::exchange(m_reported, true)) return;
    auto done = std::exchange(m_spec.handshakeDone, nullptr);
    if (done) done(std::move(r));
}

bool TlsBridge::wantsEncryptedRead() const
{
    if (m_finished) return false;
    if (!m_handshaken) return m_sslWantsRead;
    if (m_readWantsWrite) return false; // until its answer's queue drains (wantsEncryptedWrite)
    return m_writeWantsRead || (!m_tlsEnded && !m_plainGone && room(m_toPlain) > 0);
}

bool TlsBridge::wantsEncryptedWrite() const
{
    return !m_finished && !m_toEncrypted.empty() && !m_encryptedGone;
}

bool TlsBridge::wantsPlainRead() const
{
    return !m_finished && m_handshaken && !m_plainEnded && room(m_toTls) > 0;
}

bool TlsBridge::wantsPlainWrite() const
{
    return !m_finished && !m_toPlain.empty() && !m_plainGone;
}

bool TlsBridge::watchesPlainHangup() const
{
    return !m_finished && m_handshaken && !m_plainEnded && !m_plainGone;
}

} // namespace paddock::egress::tls
