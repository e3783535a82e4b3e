#include "http_gate.h"

#include "gate_shared.h"

#include "egress_limits.h"
#include "egress_service.h"
#include "http_request_framer.h"
#include "http_response_framer.h"
#include "inject/request_injection.h"
#include "inspection.h"
#include "refusal.h"
#include "sandbox_egress.h"
#include "upstream_dialer.h"

#include <QPointer>

#include <memory>

#include <sys/socket.h>

namespace paddock::egress {

namespace {

constexpr size_t kMaxBuffered = 1024 * 1024; // per direction, then the reader waits
// A tunnel's bytes held back because they could begin a secret go out
// after this long without more (a WebSocket frame ending in "gh" must not wait).
constexpr int kRedactorFlushMs = 20;

// The fields of a head the gate wrote ("GET / HTTP/1.1\r\nName: value\r\n…").
ResponseFramer::Fields fieldsOfHead(std::string_view head)
{
    ResponseFramer::Fields fields;
    size_t at = head.find("\r\n");
    while (at != std::string_view::npos && at + 2 < head.size()) {
        const size_t end = head.find("\r\n", at + 2);
        const std::string_view line = head.substr(at + 2, end == std::string_view::npos ? end : end - at - 2);
        const size_t colon = line.find(':');
        if (colon != std::string_view::npos)
            fields.emplace_back(std::string(line.substr(0, colon)),
                std::string(line.substr(std::min(line.size(), colon + 2))));
        at = end;
    }
    return fields;
}

} // namespace

// Fields for the log, with the values injected into this request masked.
ResponseFramer::Fields HttpGate::maskedFields(ResponseFramer::Fields fields) const
{
    if (!m_redactor.active()) return fields;
    for (auto &field : fields) { // names too: an upstream may echo a value as one
        field.first = m_redactor.masked(field.first);
        field.second = m_redactor.masked(field.second);
    }
    return fields;
}

HttpGate::HttpGate(SandboxEgress &sandbox, UniqueFd client, Destination dest, QString process, ConnectionLease lease,
    GateTransport transport)
    : QObject(&sandbox)
    , m_sandbox(sandbox)
    , m_transport(transport)
    , m_client(std::move(client))
    , m_lease(std::move(lease))
    , m_dest(std::move(dest))
    , m_conn(gateConnection(m_dest, transport == GateTransport::Inspected))
    , m_process(std::move(process))
    , m_log(sandbox, m_dest, m_process,
          transport == GateTransport::Inspected ? QStringLiteral("https") : QStringLiteral("http"))
    , m_stall(limits::kStalledConnectionMs, [this] { endStalled(); })
{
    m_redactorFlush.setSingleShot(true);
    m_budgetRetry.setSingleShot(true);
    connect(&m_budgetRetry, &QTimer::timeout, this, &HttpGate::updateNotifiers);
    m_rateRetry.setSingleShot(true);
    connect(&m_rateRetry, &QTimer::timeout, this, [this] {
        onEngineTime(m_sandbox, [this] { takeTurn(); }, [this] { m_rateRetry.start(limits::kRelayBudgetRetryMs); });
    });
    m_headDeadline.setSingleShot(true);
    connect(&m_headDeadline, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Head)
            refuse(408, QStringLiteral("the request's head did not arrive whole within %1 s").arg(kHeadMs / 1000));
    });
    m_collectDeadline.setSingleShot(true);
    connect(&m_collectDeadline, &QTimer::timeout, this, [this] {
        if (m_phase == Phase::Collecting)
            refuse(408, QStringLiteral("the request's body did not arrive within %1 s").arg(kCollectMs / 1000), m_handlerRule);
    });
    connect(&m_redactorFlush, &QTimer::timeout, this, [this] {
        flushRedactor();
        flush();
    });
}

HttpGate::~HttpGate() = default;

void HttpGate::start()
{
    m_clientRead = std::make_unique<QSocketNotifier>(m_client.get(), QSocketNotifier::Read);
    m_clientWrite = std::make_unique<QSocketNotifier>(m_client.get(), QSocketNotifier::Write);
    connect(m_clientRead.get(), &QSocketNotifier::activated, this, [this] {
        onEngineTime(m_sandbox, [this] { readClient(); }, [this] { updateNotifiers(); });
    });
    connect(m_clientWrite.get(), &QSocketNotifier::activated, this, &HttpGate::flush);
    if (m_adopted.valid()) attachUpstream(std::move(m_adopted), m_upstreamDescription);
    updateNotifiers();
    readClient();
}

void HttpGate::readClient()
{
    if (m_finished) return;
    if (!readSome(m_client.get(), m_fromClient, m_lease.readAllowance(clientQueued(), kMaxBuffered)))
        m_clientEof = true;
    m_lease.setBuffered(clientQueued() + upstreamQueued());
    process();
}

void HttpGate::readUpstream()
{
    if (m_finished || !m_upstream.valid()) return;
    if (!readSome(m_upstream.get(), m_fromUpstream, m_lease.readAllowance(upstreamQueued(), kMaxBuffered)))
        m_upstreamEof = true;
    m_lease.setBuffered(clientQueued() + upstreamQueued());
    relayUpstream();
    process(); // an ended response lets the next request through
}

// Parses and decides as far as the bytes at hand allow.
void HttpGate::process()
{
    bool progress = true;
    while (progress && !m_finished) {
        switch (m_phase) {
        case Phase::Head:
            progress = processHead();
            break;
        case Phase::Body:
            progress = processBody();
            break;
        case Phase::Collecting:
            progress = collectBody();
            break;
        case Phase::Tunnel:
            sendUpstream(m_fromClient);
            m_fromClient.clear();
            progress = false;
            break;
        case Phase::Queued:
        case Phase::Held:
        case Phase::Handling:
        case Phase::Injecting:
        case Phase::Waiting:
        case Phase::Closing:
            progress = false;
            break;
        }
    }
    flush();
}

bool HttpGate::processHead()
{
    if (m_fromClient.empty()) return false;
    if (!m_request) m_request = std::make_unique<RequestFramer>();
    switch (m_request->readHead(m_fromClient, m_conn)) {
    case RequestFramer::State::NeedMore:
        if (!m_headDeadline.isActive()) m_headDeadline.start(kHeadMs);
        return false;
    case RequestFramer::State::Refused:
        refuse(m_request->refusal().status, fromStd(m_request->refusal().reason));
        return false;
    case RequestFramer::State::Ready:
        m_headDeadline.stop();
        break;
    }
    const RequestHead &head = m_request->head();
    m_info = HttpRequestInfo { fromStd(head.method),
        head.connect ? QString() : fromStd(head.target.path) };
    m_log.describeNext(head.version >= 11 ? QStringLiteral("HTTP/1.1") : QStringLiteral("HTTP/1.0"));
    m_handledSummary.clear();
    m_handlerNote.clear();
    if (!m_sandbox.mayDecideRequest()) {
        m_phase = Phase::Queued;
        m_sandbox.countRequestHeldBack();
        m_rateRetry.start(limits::kHttpRequestRetryMs);
        return false;
    }
    decideRequest();
    return m_phase == Phase::Body || m_phase == Phase::Waiting || m_phase == Phase::Collecting;
}

// A request past its sandbox's request rate asks again; the connection
// is not read meanwhile.
void HttpGate::takeTurn()
{
    if (m_finished || m_phase != Phase::Queued) return;
    if (!m_sandbox.mayDecideRequest()) return m_rateRetry.start(limits::kHttpRequestRetryMs);
    m_phase = Phase::Head;
    decideRequest();
    process();
}

bool HttpGate::processBody()
{
    std::string framed;
    if (!m_request->readBody(m_fromClient, framed)) {
        refuse(m_request->refusal().status, fromStd(m_request->refusal().reason));
        return false;
    }
    sendUpstream(framed);
    if (!m_request->bodyDone()) return false;
    m_phase = Phase::Waiting;
    return true;
}

void HttpGate::decideRequest()
{
    EgressService &svc = m_sandbox.service();
    const QList<EgressRule> &rules = svc.orderedRules(m_sandbox.sandboxId());
    // Where rules decide by method and path, a field that makes a server act
    // on another method or path would carry the request past them.
    if (const QString refusal = overrideFieldRefusal(m_request->head().overrideField, rules, m_dest); !refusal.isEmpty())
        return refuse(400, refusal);
    const Decision d = decide(rules, m_dest, svc.asksUnlisted(m_sandbox.sandboxId()), &m_info);
    if (d.action == EgressAction::Deny) return refuse(403, d.reason, d.rule);
    if (d.action == EgressAction::Allow || d.action == EgressAction::Inspect) {
        // A tunnel carries anything: only a rule written for it opens one.
        if (m_request->head().connect && (!d.rule || d.rule->method != QStringLiteral("CONNECT")))
            return refuse(403,
                QStringLiteral(
                    "CONNECT through the HTTP gate needs a rule that names the CONNECT method"),
                d.rule);
        return allowRequest(d.rule);
    }
    m_phase = Phase::Held;
    QPointer<HttpGate> self(this);
    const std::optional<EgressRule> rule = d.rule;
    m_question = svc.askPerson(m_sandbox.sandboxId(), m_dest, m_process, &m_info,
        [self, rule](bool allowed, const QString &why) {
            if (!self) return;
            self->m_question = {};
            self->m_hangup.reset();
            if (!allowed) return self->refuse(403, why, rule);
            self->m_log.allowedNext(why);
            self->allowRequest(rule);
            self->process();
        });
    if (m_phase == Phase::Held && !m_question.question.isEmpty())
        m_hangup = std::make_unique<HangupWatch>(m_client.get(), [this] { abandonQuestion(); });
}

// The client gave up while a person decides: its request is never sent.
void HttpGate::abandonQuestion()
{
    m_log.denied(requestSummary(), std::nullopt,
        QStringLiteral("withdrawn: the client closed the connection before the question was answered"));
    finish();
}

void HttpGate::allowRequest(const std::optional<EgressRule> &rule)
{
    reportCutShort();
    m_redactor = {};
    m_cutShortReported = 0;
    if (rule && rule->action == EgressAction::Inspect && !rule->handler.isEmpty()) {
        // Skipping the handler would skip what it denies: refused instead.
        if (m_transport != GateTransport::Inspected)
            return refuse(403,
                QStringLiteral("this rule runs a handler, and handlers run only on HTTPS that Paddock inspects"), rule);
        return collectForHandler(*rule);
    }
    const bool injects = rule && rule->action == EgressAction::Inspect && !rule->inject.isEmpty();
    if (!injects) return sendAllowed(rule);
    if (m_transport == GateTransport::Inspected) return injectThenSend(*rule);
    sendAllowed(rule, QStringLiteral("not injected: this is plain HTTP, and secrets go only over TLS that Paddock verified"));
}

// The secrets first (a command's output may take a while), then the request.
void HttpGate::injectThenSend(const EgressRule &rule)
{
    if (!m_sandbox.service().inspection())
        return refuse(502, QStringLiteral("TLS inspection is unavailable"), rule);
    m_phase = Phase::Injecting;
    QPointer<HttpGate> self(this);
    m_sandbox.resolveSecrets(injectedSecretNames(rule.inject), [self, rule](Result<Inspection::SecretValues> values) {
        if (!self || self->m_finished) return;
        auto names = injectRule(*self->m_request, rule.inject, values, self->m_redactor);
        if (!names) return self->failBeforeSending(rule, names.error().message);
        self->m_log.injectedNext(*names);
        self->sendAllowed(rule);
        self->process();
    });
}

// Allowed, but it cannot go as the rule says: logged as a failure (not a
// denial) and answered 502, and nothing reaches the upstream. The sandbox
// is told no more than that: the reason (a host command's error, something
// about a value) is for the log only.
void HttpGate::failBeforeSending(const EgressRule &rule, const QString &problem)
{
    m_log.opened(requestSummary(), rule, m_upstreamDescription);
    m_log.responded(502);
    m_log.failed(QStringLiteral("not sent: ") + problem);
    m_toClient += refusalResponse(502,
        QStringLiteral("not sent: a secret the rule uses could not be had (Paddock's egress log says why)"));
    m_phase = Phase::Closing;
    m_fromClient.clear();
    dropUpstream();
    flush();
}

void HttpGate::sendAllowed(const std::optional<EgressRule> &rule, const QString &note)
{
    const RequestHead &head = m_request->head();
    // A placeholder the sandbox put outside what the rule injects goes out as
    // it is: worth nothing there, and the log says where it was tried.
    QStringList notes { std::exchange(m_handlerNote, {}), note,
        placeholderNote(m_sandbox.service().inspection(), *m_request) };
    notes.removeAll(QString());
    const bool offerUpgrade = head.websocket && !head.hasBody();
    const std::string upstreamHead = m_request->upstreamHead(offerUpgrade);
    m_log.headersNext(headerLines(maskedFields(fieldsOfHead(upstreamHead))));
    m_log.opened(requestSummary(), rule, m_upstreamDescription, notes.join(QStringLiteral("; ")));
    sendUpstream(upstreamHead);
    if (std::exchange(m_sendCollected, false)) sendUpstream(std::exchange(m_collected, {}));
    m_response = std::make_unique<ResponseFramer>(
        ResponseExpectation { head.method == "HEAD", head.connect, offerUpgrade }, &m_redactor);
    // After a body, an upgrade or a tunnel nothing else may follow on this upstream connection.
    if (m_request->closesUpstream() || offerUpgrade || head.connect) m_upstreamReusable = false;
    m_phase = m_request->bodyDone() ? Phase::Waiting : Phase::Body;
    if (!m_upstream.valid() && !m_dialling) dial();
}

void HttpGate::sendUpstream(const std::string &bytes)
{
    m_log.sent(qint64(bytes.size()));
    if (!m_upstreamGone) m_toUpstream += bytes;
}

// What the upstream sent, read against the request in flight.
void HttpGate::relayUpstream()
{
    if (m_phase == Phase::Tunnel) {
        m_log.relayed(qint64(m_fromUpstream.size()));
        relayToClient(m_fromUpstream);
        m_fromUpstream.clear();
        if (m_redactor.held() > 0) m_redactorFlush.start(kRedactorFlushMs);
        if (m_upstreamEof) flushRedactor();
        return;
    }
    if (!m_response) {
        if (!m_fromUpstream.empty())
            m_log.noteOnLast(QStringLiteral(
                "the upstream sent %1 bytes nobody asked for: dropped, and its connection closed")
                                 .arg(m_fromUpstream.size()));
        if (!m_fromUpstream.empty() || m_upstreamEof) dropUpstream();
        return;
    }
    // Straight into the queue, masked on the way (the framer feeds the redactor).
    const size_t before = m_toClient.size();
    ResponseFramer::State state = m_response->read(m_fromUpstream, m_toClient.back());
    m_log.relayed(qint64(m_toClient.size() - before));
    if (state == ResponseFramer::State::NeedMore && m_upstreamEof) state = m_response->readEof();
    if (auto fields = m_response->takeHeadFields())
        m_log.responded(int(m_response->status()), headerLines(maskedFields(std::move(*fields))));
    else if (m_response->status() != 0)
        m_log.responded(int(m_response->status()));
    if (state != ResponseFramer::State::NeedMore) flushRedactor();
    switch (state) {
    case ResponseFramer::State::NeedMore:
        return;
    case ResponseFramer::State::Complete:
        return onResponseComplete();
    case ResponseFramer::State::Tunnel:
        return enterTunnel();
    case ResponseFramer::State::Refused:
        return failUpstream(fromStd(m_response->problem()), m_response->status() == 101);
    }
}

// Upstream bytes on their way to the sandbox, with injected values masked.
void HttpGate::relayToClient(const std::string &bytes)
{
    m_redactor.feed(bytes, m_toClient.back());
}

void HttpGate::reportCutShort()
{
    const size_t cutShort = m_redactor.cutShort();
    if (cutShort > m_cutShortReported) m_sandbox.noteCutShortValues(cutShort - m_cutShortReported);
    m_cutShortReported = cutShort;
}

void HttpGate::flushRedactor()
{
    m_redactorFlush.stop();
    m_redactor.flush(m_toClient.back());
}

void HttpGate::onResponseComplete()
{
    const bool reusable
        = m_upstreamReusable && m_response->keepAlive() && !m_upstreamEof && m_fromUpstream.empty();
    const bool clientLearnsEndFromClose = m_response->endedByClose();
    const bool answeredBeforeBody = m_phase == Phase::Body;
    const bool clientCloses = !m_request->head().keepAlive;
    m_log.closed(m_fromUpstream.empty()
            ? QString()
            : QStringLiteral("the upstream sent %1 bytes after its response: dropped, and its "
                             "connection closed")
                  .arg(m_fromUpstream.size()));
    m_response.reset();
    m_request.reset();
    if (!reusable) dropUpstream();
    if (answeredBeforeBody || clientLearnsEndFromClose || clientCloses) {
        m_phase = Phase::Closing;
        m_fromClient.clear();
        return;
    }
    m_phase = Phase::Head;
}

void HttpGate::enterTunnel()
{
    m_phase = Phase::Tunnel;
    m_response.reset();
    m_request.reset();
    sendUpstream(m_fromClient); // held back until the switch was confirmed
    m_fromClient.clear();
    relayUpstream(); // what followed the 101 (or the CONNECT's 2xx)
}

void HttpGate::refuse(
    unsigned status, const QString &reason, const std::optional<EgressRule> &rule, const QString &logged)
{
    if (m_phase == Phase::Closing || m_finished) return;
    const bool answering = m_response && m_response->started();
    if (m_log.isOpen()) {
        if (!answering) m_log.responded(int(status));
        m_log.closed(logged.isEmpty() ? reason : logged, true); // refused half-way (a malformed body): the request went out in part
    } else {
        m_log.denied(requestSummary(), rule, logged.isEmpty() ? reason : logged, int(status));
    }
    m_phase = Phase::Closing;
    m_fromClient.clear();
    m_response.reset();
    dropUpstream();
    if (!answering) // the client has part of a response: a refusal after it would read as its body
        m_toClient += refusalResponse(status, reason);
    flush();
}

// The upstream could not be reached or broke HTTP: the request ends with a
// 502 (or what it had of a response), and so does the connection.
void HttpGate::failUpstream(const QString &problem, bool refused)
{
    if (m_phase == Phase::Closing || m_finished) return;
    const bool answering = !m_response || !m_response->started();
    if (answering) m_log.responded(502);
    if (!m_upstream.valid()) m_log.undelivered(); // never connected (or its TLS failed): nothing was sent
    refused ? m_log.closed(problem, true) : m_log.failed(problem);
    if (answering) m_toClient += refusalResponse(502, problem);
    m_phase = Phase::Closing;
    m_fromClient.clear();
    m_response.reset();
    dropUpstream();
    flush();
}

QString HttpGate::requestSummary() const
{
    if (!m_handledSummary.isEmpty()) return m_handledSummary;
    return m_request ? fromStd(m_request->head().summary()).trimmed() : QString();
}

void HttpGate::flush()
{
    if (m_finished) return;
    if (!writeSome(m_client.get(), m_toClient)) return finish();
    if (m_upstream.valid() && !m_upstreamGone && !writeSome(m_upstream.get(), m_toUpstream)) {
        // It stopped reading (it answered early, or gave up): its answer may still be in.
        m_upstreamGone = true;
        m_toUpstream.clear();
    }
    if (m_phase == Phase::Head && m_clientEof && !m_response)
        m_phase = Phase::Closing; // nothing more will come: what is left is a cut-off head
    if ((m_phase == Phase::Body || m_phase == Phase::Collecting) && m_clientEof && m_fromClient.empty())
        return finish(); // the client gave up half-way through its body
    if (m_phase == Phase::Closing && m_toClient.empty()) return finish();
    if (m_phase == Phase::Tunnel) {
        // Each side's end travels once what came before it is through.
        if (m_clientEof && m_toUpstream.empty() && m_upstream.valid()
            && !std::exchange(m_upstreamShut, true))
            ::shutdown(m_upstream.get(), SHUT_WR);
        if (m_upstreamEof && m_toClient.empty()) return finish();
    }
    updateNotifiers();
}

void HttpGate::updateNotifiers()
{
    if (m_finished) return;
    reportCutShort();
    m_lease.setBuffered(clientQueued() + upstreamQueued());
    const bool engineTime = m_sandbox.mayUseEngineTime();
    const bool clientRoom = engineTime && m_lease.readAllowance(clientQueued(), kMaxBuffered) > 0;
    const bool upstreamRoom = engineTime && m_lease.readAllowance(upstreamQueued(), kMaxBuffered) > 0;
    m_clientRead->setEnabled(!m_clientEof && m_phase != Phase::Queued && m_phase != Phase::Held
        && m_phase != Phase::Injecting
        && m_phase != Phase::Handling
        && m_phase != Phase::Closing
        && clientRoom);
    m_clientWrite->setEnabled(!m_toClient.empty());
    if (m_upstream.valid()) {
        m_upstreamRead->setEnabled(!m_upstreamEof && m_phase != Phase::Closing && upstreamRoom);
        m_upstreamWrite->setEnabled(!m_toUpstream.empty() && !m_upstreamGone);
    }
    // Room the sandbox's other connections give back wakes nothing here:
    // a connection held to the floor looks again soon.
    const bool heldBySandbox = !engineTime || m_lease.heldBySandbox(clientQueued(), kMaxBuffered)
        || m_lease.heldBySandbox(upstreamQueued(), kMaxBuffered);
    if (heldBySandbox && !m_budgetRetry.isActive()) m_budgetRetry.start(limits::kRelayBudgetRetryMs);
    // Held for the sandbox: what the connection holds should be all it
    // costs. (A queue merely full is the fast path of a download.)
    if (heldBySandbox) releaseSpare();
    m_stall.queued(clientQueued() + upstreamQueued());
}

void HttpGate::releaseSpare()
{
    ByteQueue::releaseSpare(m_fromClient);
    ByteQueue::releaseSpare(m_fromUpstream);
    m_toClient.releaseSpare();
    m_toUpstream.releaseSpare();
}

void HttpGate::endStalled()
{
    if (m_finished) return;
    const QString why = QStringLiteral("ended: what waited to go did not move for %1 s")
                            .arg(limits::kStalledConnectionMs / 1000);
    if (m_response)
        m_log.failed(why);
    else if (m_log.isOpen())
        m_log.closed(why);
    finish();
}

void HttpGate::finish()
{
    reportCutShort();
    if (std::exchange(m_finished, true)) return;
    m_sandbox.service().withdrawQuestion(std::exchange(m_question, {}));
    if (m_handlerTicket) m_sandbox.service().handlers().cancel(std::exchange(m_handlerTicket, 0));
    releaseHeldBody();
    m_collectDeadline.stop();
    if (m_response)
        m_log.failed(QStringLiteral("the connection ended before the response did"));
    else
        m_log.closed();
    m_clientRead.reset();
    m_clientWrite.reset();
    m_upstreamRead.reset();
    m_upstreamWrite.reset();
    if (m_client.valid()) endGracefully(m_client.get());
    m_client.reset();
    m_upstream.reset();
    deleteLater();
}

} // namespace paddock::egress
