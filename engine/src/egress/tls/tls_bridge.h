// One TLS connection turned into plain bytes, on a TLS worker's thread:
// the encrypted socket on one side, a plaintext socket (one end of a
// socketpair, whose other end the HTTP gate reads) on the other.
//
//   Terminate: the sandbox's TLS client, answered with a leaf minted for
//     the name the connection was made for; a server name (SNI) other
//     than that name is refused in the handshake.
//   Originate: Paddock's TLS client to the upstream, which must present a
//     certificate for that name that the upstream context trusts.
//
// The handshake's outcome is reported once (`handshakeDone`, on the
// worker's thread); then bytes move both ways until both sides have
// ended. Half-closes travel: the plaintext side's end becomes a TLS
// close_notify, a close_notify (or the encrypted socket's end) becomes
// the plaintext side's end.
#pragma once

#include "bridge_budget.h"
#include "egress/byte_queue.h"
#include "leaf_minter.h"
#include "queue_write_bio.h"
#include "tls_contexts.h"

#include "paddock/error.h"
#include "paddock/unique_fd.h"

#include <QString>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace paddock::egress::tls {

struct TlsHandshake {
    QString alpn; // "h2", "http/1.1", or empty
    QString version; // "TLSv1.3"
};

struct TlsBridgeSpec {
    enum class Role { Terminate, Originate };
    Role role = Role::Terminate;
    UniqueFd encrypted;
    UniqueFd plain;
    QString name; // the destination's host name or literal address
    SslCtxPtr context;
    LeafMinter *minter = nullptr; // Terminate only; outlives the bridge
    // Terminate: h2 may be chosen for the client; Originate: h2 is offered.
    bool http2 = false;
    // On the worker's thread, once.
    std::function<void(Result<TlsHandshake>)> handshakeDone;
    // What the sandbox's bridges hold together; none: only kMaxPending bounds them.
    std::shared_ptr<BridgeBudget> budget;
    // Once the plaintext side has ended, how long the bridge may go without
    // moving a byte before it is abandoned (tests shorten it).
    std::chrono::milliseconds closingTimeout { 30'000 };
};

class TlsBridge {
public:
    static constexpr std::chrono::seconds kHandshakeTimeout { 15 };

    explicit TlsBridge(TlsBridgeSpec spec);
    ~TlsBridge();
    TlsBridge(const TlsBridge &) = delete;
    TlsBridge &operator=(const TlsBridge &) = delete;

    int encryptedFd() const { return m_spec.encrypted.get(); }
    int plainFd() const { return m_spec.plain.get(); }

    // Sets up the session; false (after reporting) when it cannot start.
    bool begin();
    // Does what the sockets allow; then wantsX say what to wait for.
    void pump();
    bool finished() const { return m_finished; }
    // When the bridge gives up unless it ends first: the handshake's end,
    // or, once the plaintext side has ended, closingTimeout past the last
    // byte that moved. Unset (time_point::max()) while both sides are open.
    std::chrono::steady_clock::time_point deadline() const { return m_deadline; }
    // The pool is closing.
    void abandon(const QString &why);
    // Past its deadline: abandoned, saying which one it missed.
    void expire();

    bool wantsEncryptedRead() const;
    bool wantsEncryptedWrite() const;
    bool wantsPlainRead() const;
    bool wantsPlainWrite() const;
    // Whether the worker must tell of the plaintext side's hang-up even
    // while the bridge neither reads nor writes it.
    bool watchesPlainHangup() const;

private:
    bool setUpTerminate();
    bool setUpOriginate();
    void continueHandshake();
    bool readTls();
    bool writePlain();
    bool readPlain();
    bool encryptPlain();
    bool sendTls();
    void breakOffEncrypted();
    void endDirections();
    void noticePlainHangup();
    void watchClosing(bool moved);
    // What a queue may take now: up to kMaxPending, or a TLS record's
    // floor once the sandbox's bridges hold their budget.
    size_t room(const ByteQueue &queue) const;
    size_t mostQueued() const;
    void recount(); // this bridge's queues into the budget
    void fail(const QString &why, ErrorCode code = ErrorCode::Io);
    void report(Result<TlsHandshake> r);
    QString handshakeFailure(int sslError);

    TlsBridgeSpec m_spec;
    SSL *m_ssl = nullptr;
    std::chrono::steady_clock::time_point m_deadline;
    bool m_handshaken = false;
    bool m_reported = false;
    bool m_finished = false;
    bool m_sslWantsRead = true;
    bool m_tlsEnded = false; // no more bytes from the encrypted side
    bool m_plainEnded = false; // no more bytes from the plaintext side
    bool m_plainShut = false; // its end passed to the plaintext side
    bool m_closeNotifySent = false; // into m_toEncrypted
    bool m_encryptedShut = false; // the encrypted socket's end, once the close_notify left
    bool m_plainGone = false; // the plaintext side stopped reading
    bool m_encryptedGone = false; // the encrypted side broke off
    bool m_writeWantsRead = false; // SSL_write needs the peer's bytes first
    bool m_readWantsWrite = false; // SSL_read's answer to the peer waits for room in m_toEncrypted
    ExpectedServerName m_serverName; // Terminate: what the client may ask for
    // m_toTls: plaintext waiting to be encrypted; m_toEncrypted: its TLS
    // records (and the handshake's), waiting for the encrypted socket.
    ByteQueue m_toPlain, m_toTls, m_toEncrypted;
    QueueWriteTarget m_encryptedSink { &m_toEncrypted }; // what TLS writes into, bounded
    size_t m_counted = 0; // in the budget
};

} // namespace paddock::egress::tls
