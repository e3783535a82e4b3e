// HTTP/2 between a sandbox and an upstream that both chose h2 by ALPN
// (inspected_start.h), read stream by stream: each request is checked,
// decided, injected and logged on its own, as the HTTP/1.1 gate
// (http_gate.h) does one request at a time, while the connection's other
// streams go on.
//
//   sandbox ──h2──▶ [server session] H2Gate [client session] ──h2──▶ upstream
//
//   a request's HEADERS → checked (h2_request_head.h: canonical path, the
//   authority tied to the connection's name) → decided by the rules (or a
//   person: the stream waits, the others do not)
//   → injected (h2_gate_requests.cpp: the rule's secrets fetched, the
//     same injections and placeholder notes as HTTP/1.1)
//   → a stream of its own upstream; DATA both ways, each side's window
//     opened only as the other side takes the bytes (h2_session.h)
//   → the response's head, body and trailers (gRPC's grpc-status) back,
//     injected values masked (h2_gate_responses.cpp)
//
// A refused request is answered on its stream (400/403 with the reason);
// a reset passes both ways; when the upstream ends the connection, the
// sandbox is sent GOAWAY and its unanswered streams are refused so its
// client retries them on a new connection.
//
// Handlers never run here: where one may decide, h2 is not offered (a
// handler reads a request's body whole), and a handler rule added while
// an h2 connection is open refuses the stream the same way.
//
// Thread ownership: the engine thread. Deletes itself when done.
#pragma once

#include "h2_session.h"
#include "h2_stream.h"

#include "egress/byte_queue.h"
#include "egress/connection_lease.h"
#include "egress/destination.h"
#include "egress/gate_shared.h"
#include "egress/http_host.h"
#include "egress/stall_watch.h"

#include "paddock/unique_fd.h"

#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>

namespace paddock::egress {

class SandboxEgress;

namespace h2 {

class H2Gate : public QObject, private H2Events {
    Q_OBJECT
public:
    // `client`, `upstream`: the plaintext sides of the two TLS bridges, both h2.
    H2Gate(SandboxEgress &sandbox, UniqueFd client, UniqueFd upstream, QString upstreamDescription,
        Destination dest, QString process, ConnectionLease lease);
    ~H2Gate() override;
    void start();

private:
    // H2Events, dispatched by session (h2_gate.cpp)
    void onBlockBegins(H2Session &s, int32_t stream) override;
    bool onField(
        H2Session &s, int32_t stream, std::string_view name, std::string_view value) override;
    void onBlockEnds(H2Session &s, int32_t stream, bool endStream) override;
    void onData(H2Session &s, int32_t stream, std::string_view bytes) override;
    void onDataEnds(H2Session &s, int32_t stream) override;
    void onClosed(H2Session &s, int32_t stream, uint32_t errorCode) override;
    Body readBody(H2Session &s, int32_t stream, uint8_t *out, size_t room) override;

    // The connection (h2_gate.cpp)
    static ReadOutcome readInto(int fd, H2Session &session, std::string &error, size_t limit);
    void readClient();
    void readUpstream();
    void pump();
    void schedulePump();
    void updateNotifiers();
    // What each direction holds, read and not yet taken by the other side.
    size_t fromClientQueued() const;
    size_t fromUpstreamQueued() const;
    void releaseSpare();
    void upstreamEnded(const QString &why);
    void finish(const QString &why);
    void forget(H2Stream &st);
    H2Stream *streamFor(const H2Session &s, int32_t stream);
    bool addToBlock(H2Stream &st, std::string_view name, std::string_view value);
    void openStream(int32_t stream);

    // Requests (h2_gate_requests.cpp)
    void requestHeadRead(H2Stream &st);
    void admitQueued();
    void waitForRate();
    void checkThenDecide(H2Stream &st);
    void decide(H2Stream &st);
    void allow(H2Stream &st);
    void injectThenSend(H2Stream &st);
    void send(H2Stream &st, const QString &note = {});
    void answer(H2Stream &st, unsigned status, const QString &reason, const QString &logged = {});
    void failBeforeSending(H2Stream &st, const QString &problem);
    void requestTrailersRead(H2Stream &st);
    QString trailerRefusal(const H2Stream &st);
    Body readRequestBody(H2Stream &st, uint8_t *out, size_t room);

    // Responses (h2_gate_responses.cpp)
    void responseBlockRead(H2Stream &st, bool endStream);
    void responseData(H2Stream &st, std::string_view bytes);
    void responseEnds(H2Stream &st);
    void flushRedactors();
    H2Fields masked(const H2Stream &st, H2Fields fields) const;
    Body readResponseBody(H2Stream &st, uint8_t *out, size_t room);
    void upstreamStreamClosed(H2Stream &st, uint32_t errorCode);

    SandboxEgress &m_sandbox;
    UniqueFd m_clientFd, m_upstreamFd;
    QString m_upstreamDescription;
    Destination m_dest;
    GateConnection m_conn;
    QString m_process;
    ConnectionLease m_lease;
    H2Session m_client { H2Session::Role::Server, *this };
    H2Session m_upstream { H2Session::Role::Client, *this };
    std::map<int32_t, std::unique_ptr<H2Stream>> m_streams; // by the sandbox's stream ID
    std::map<int32_t, int32_t> m_byUpstream; // the upstream's stream ID → the sandbox's
    // Streams past the sandbox's request rate, oldest first (IDs; those
    // reset meanwhile are skipped). While any waits, the client is not read.
    std::deque<int32_t> m_queued;
    // Requests decided since the gate last woke: one read of tiny frames
    // may hold thousands, and deciding (logging, injecting, sending) costs
    // far more than parsing, so past kDecisionsPerWake the rest queue and
    // are decided a few at a time, each slice on the sandbox's engine time.
    static constexpr int kDecisionsPerWake = 16;
    int m_decidedThisWake = 0;
    bool m_waitingForRate = false; // the queue waits for the request rate, not a slice
    // The stream just refused for the sandbox's stream cap: the rest of
    // its header block (which nothing may interleave) is passed over.
    int32_t m_refusing = 0;
    ByteQueue m_toClient, m_toUpstream;
    bool m_upstreamOver = false; // no new stream goes upstream
    bool m_finished = false;
    bool m_pumpScheduled = false;
    std::unique_ptr<QSocketNotifier> m_clientRead, m_clientWrite, m_upstreamRead, m_upstreamWrite;
    QTimer m_redactorFlush; // a response's held-back bytes go out when it pauses
    QTimer m_budgetRetry; // held to the floor by its sandbox's budget: look again
    QTimer m_rateRetry; // a queued stream asks for its turn again
    StallWatch m_stall; // queued bytes that stopped moving end the connection
};

} // namespace h2
} // namespace paddock::egress
