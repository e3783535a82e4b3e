// An HTTP connection whose requests Paddock reads: plain HTTP whose rules
// depend on each request's method or path, or HTTPS an inspect rule
// terminated (inspection.h: the gate then sees the plaintext, and its
// upstream is TLS that Paddock verified). Every request is read, decided
// on its own, and — when allowed — sent upstream as the gate writes it,
// never as the client wrote it:
//
//   read a request head (http_request_framer.h: canonical path, Host tied
//   to the connection's name, framing checked)
//   → decide it by the rules (or ask a person about exactly it)
//   → inspected, by a rule with a handler: read its body whole (bounded)
//     and run the handler (http_gate_handler.cpp), which sends it on as it
//     says, answers it, or denies it
//   → inspected, by an inspect rule that injects: fetch the secrets it
//     names and set its headers and query parameters (never over plain
//     HTTP: there the request goes as it came, and the log says so); a
//     placeholder the sandbox put anywhere else goes out as it is, logged
//   → send the re-serialised head and the body framed anew, on an upstream
//     connection dialled (and, inspected, verified) when first needed
//     (http_gate_upstream.cpp)
//   → mask the injected values in what comes back (inject/secret_redactor.h)
//   → relay exactly one final response (http_response_framer.h)
//   → only then read the next request.
//
// One request is in flight at a time, so no byte the gate has not decided
// reaches the upstream as a request, and each request's log entry gets its
// own byte counts. A request with a body ends its upstream connection
// (CL.0 desync); the next one dials a new one. The upstream's bytes after
// its response are dropped and the connection to it closed.
//
// A WebSocket upgrade of an allowed request is offered upstream; the
// connection becomes a tunnel only once the upstream answers 101 to it.
// CONNECT is allowed only by a rule that names that method. A refused
// request gets a 400 or 403 with the reason and the connection closes.
//
// Thread ownership: the engine thread. Deletes itself when done.
#pragma once

#include "ask_queue.h"
#include "connection_lease.h"
#include "destination.h"
#include "hangup_watch.h"
#include "byte_queue.h"
#include "http_host.h"
#include "http_request_log.h"
#include "handler/handler_runner.h"
#include "handler/handler_verdict.h"
#include "inject/secret_redactor.h"
#include "paddock/unique_fd.h"
#include "rule_matcher.h"
#include "stall_watch.h"

#include "paddock/egress.h"

#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <map>
#include <memory>
#include <variant>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace paddock::egress {

class RequestFramer;
class ResponseFramer;
class SandboxEgress;
class UpstreamDial;
struct Upstream;

enum class GateTransport {
    Plain, // plain HTTP from the sandbox, plain HTTP upstream
    Inspected, // the plaintext of the sandbox's TLS; TLS upstream
};

class HttpGate : public QObject {
    Q_OBJECT
public:
    // `lease`: the connection's place under its sandbox's cap; held until the gate is done.
    // A body read whole for a handler arrives within this, or the request is refused.
    static constexpr int kCollectMs = 30'000;
    // A request head, once begun, is whole within this, or it is refused
    // (408) and the connection closes: a head sent a byte at a time must
    // not hold the connection, and its verified upstream, for ever.
    static constexpr int kHeadMs = 30'000;

    HttpGate(SandboxEgress &sandbox, UniqueFd client, Destination dest, QString process, ConnectionLease lease,
        GateTransport transport);
    ~HttpGate() override;
    // Before start(): the first request goes on this upstream connection
    // (inspected: the plaintext of TLS already verified), not a new one.
    void adoptUpstream(UniqueFd upstream, const QString &description);
    void start();

private:
    enum class Phase {
        Head, // reading the next request head
        Queued, // its head is read, past its sandbox's request rate: it waits its turn
        Held, // a person decides it
        Collecting, // allowed; its body is read whole for the rule's handler
        Handling, // the rule's handler decides it
        Injecting, // allowed; the secrets it gets are being fetched
        Body, // its body goes upstream
        Waiting, // sent; the client's next bytes wait for the response to end
        Tunnel, // switched protocols as asked: bytes pass both ways
        Closing, // the last answer is written, then the connection ends
    };

    void readClient();
    void readUpstream();
    void process();
    bool processHead();
    bool processBody();
    // http_gate_handler.cpp: a rule's handler decides the request
    void collectForHandler(const EgressRule &rule);
    bool collectBody();
    void startHandler();
    void callHandler(std::map<std::string, std::string> secrets);
    void onHandled(std::variant<HandlerReply, HandlerFailure> outcome);
    void sendAsHandled(HandlerVerdict verdict);
    void answerFromHandler(const HandlerVerdict &verdict);
    void denyAsHandled(const QString &logged);
    QString withoutSecrets(const QString &text) const;
    void releaseHeldBody();
    void decideRequest();
    void takeTurn();
    void endStalled();
    void releaseSpare();
    void abandonQuestion();
    void allowRequest(const std::optional<EgressRule> &rule);
    void injectThenSend(const EgressRule &rule);
    void sendAllowed(const std::optional<EgressRule> &rule, const QString &note = {});
    void failBeforeSending(const EgressRule &rule, const QString &problem);
    void relayToClient(const std::string &bytes);
    void flushRedactor();
    void sendUpstream(const std::string &bytes);
    void relayUpstream();
    void onResponseComplete();
    void enterTunnel();
    void dial();
    void onDialled(Result<Upstream> r);
    void secureUpstream(Upstream upstream);
    void attachUpstream(UniqueFd fd, const QString &description);
    void dropUpstream();
    // `logged`: what the log says, when it should say more than the client is told.
    void refuse(unsigned status, const QString &reason,
        const std::optional<EgressRule> &rule = std::nullopt, const QString &logged = {});
    void failUpstream(const QString &problem, bool refused);
    QString requestSummary() const;
    std::vector<std::pair<std::string, std::string>> maskedFields(
        std::vector<std::pair<std::string, std::string>> fields) const;
    void flush();
    void updateNotifiers();
    // Tells the sandbox of values cut short in what came back (SandboxEgress::noteCutShortValues).
    void reportCutShort();
    // What each direction holds, read and not yet taken by the other side.
    size_t clientQueued() const { return m_fromClient.size() + m_toUpstream.size(); }
    size_t upstreamQueued() const { return m_fromUpstream.size() + m_toClient.size(); }
    void finish();

    SandboxEgress &m_sandbox;
    GateTransport m_transport;
    UniqueFd m_client, m_upstream;
    UniqueFd m_adopted; // an upstream connection made before start()
    ConnectionLease m_lease;
    Destination m_dest;
    GateConnection m_conn;
    QString m_process;
    HttpRequestLog m_log;
    QString m_upstreamDescription;
    Phase m_phase = Phase::Head;
    std::unique_ptr<RequestFramer> m_request; // the request being read or in flight
    std::unique_ptr<ResponseFramer> m_response; // its answer; none: nothing in flight
    HttpRequestInfo m_info; // what it was decided on
    SecretRedactor m_redactor; // the values injected into it, masked in what comes back
    QTimer m_redactorFlush; // a tunnel's held-back bytes go out when it pauses
    size_t m_cutShortReported = 0; // of m_redactor's
    QTimer m_budgetRetry; // held to the floor by its sandbox's budget: look again
    QTimer m_rateRetry; // a queued request asks for its turn again
    QTimer m_headDeadline; // kHeadMs from a head's first bytes
    StallWatch m_stall; // queued bytes that stopped moving end the connection
    bool m_upstreamReusable = true; // may carry the next request
    std::string m_fromClient, m_fromUpstream; // read, not yet parsed
    ByteQueue m_toUpstream, m_toClient; // decided or relayed, not yet written
    bool m_clientEof = false, m_upstreamEof = false;
    bool m_upstreamGone = false; // stopped reading: what is still to send is dropped
    bool m_upstreamShut = false;
    bool m_dialling = false;
    bool m_finished = false;
    UpstreamDial *m_dial = nullptr;
    std::unique_ptr<QSocketNotifier> m_clientRead, m_clientWrite, m_upstreamRead, m_upstreamWrite;
    std::optional<EgressRule> m_handlerRule; // while Collecting or Handling
    std::string m_collected; // the body read whole for a handler, then what it said to send
    bool m_sendCollected = false; // the upstream gets m_collected after the head
    std::map<std::string, std::string> m_handlerSecrets; // what the handler was handed
    QString m_handledSummary; // the request as the sandbox sent it, when a handler rewrote it
    QString m_handlerNote; // what the handler did, for the request's log entry
    QString m_handlerConsole; // the first lines it wrote with console.log, secrets masked
    std::set<std::string> m_sandboxSent; // "name:value" of the fields the sandbox sent, before the handler ran
    quint64 m_handlerTicket = 0; // while Handling
    qint64 m_heldForHandler = 0; // of the sandbox's budget for bodies held whole
    QTimer m_collectDeadline; // a body read for a handler must arrive by then
    AskTicket m_question; // while Held
    std::unique_ptr<HangupWatch> m_hangup; // while Held or Handling
};

} // namespace paddock::egress
