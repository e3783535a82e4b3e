// The HTTP gate's steps for an inspect rule with a handler (http_gate.h):
// the request's body is read whole (up to kMaxHandlerBody), the secrets
// the handler is handed are fetched, and the handler runs in a helper
// (handler/handler_runner.h). What it returns is checked
// (handler/handler_verdict.h) and then sent on — through the rule's
// injections, which a handler cannot override — answered, or denied. A
// handler that throws, runs out of time or memory, or returns something
// malformed denies the request; the sandbox is told only that, the log
// says why. The secrets' values are masked in everything that comes back
// and in every message the handler leaves.
#include "http_gate.h"

#include "egress_service.h"
#include "gate_shared.h"
#include "handler/secret_masking.h"
#include "http_request_framer.h"
#include "http_target.h"
#include "inspection.h"
#include "sandbox_egress.h"

#include <boost/beast/http.hpp>

#include <QJsonArray>
#include <QPointer>

#include <algorithm>

#include <sstream>

namespace http = boost::beast::http;

namespace paddock::egress {

namespace {

std::string lowered(std::string s)
{
    for (char &c : s)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return s;
}

// Fields that carry credentials by name. Any changed field could hold what
// a handler made of a secret, but masking "application/json" in every
// answer would break it; these are where credentials go.
bool isCredentialField(const std::string &name)
{
    const std::string n = lowered(name);
    for (const char *part :
        { "auth", "cookie", "token", "key", "secret", "sig", "password", "credential", "session" })
        if (n.find(part) != std::string::npos) return true;
    return false;
}

QString handlerName(const EgressRule &rule)
{
    return rule.handler.name.isEmpty() ? QStringLiteral("its handler")
                                       : QStringLiteral("handler ") + rule.handler.name;
}

// The answer a handler gave, written by Beast from checked fields; empty
// when Beast will not write it (the engine never lets an exception out).
std::string handlerResponse(const HandlerVerdict &v, bool keepAlive) noexcept
try {
    http::response<http::string_body> res;
    res.version(11);
    res.result(v.status); // as given, listed by Beast or not (418, 520…)
    const http::status known = http::int_to_status(v.status);
    res.reason(known == http::status::unknown ? boost::beast::string_view("Answered")
                                              : http::obsolete_reason(known));
    for (const auto &[name, value] : v.fields)
        res.insert(name, value);
    res.set("X-Paddock-Egress", "handler");
    res.keep_alive(keepAlive);
    res.body() = v.body;
    res.prepare_payload();
    std::ostringstream os;
    os << res;
    return os.str();
} catch (const std::exception &) {
    return {};
}

// The same fields, whatever the case of their names and their order: a
// handler sees names in lower case and hands back a JS object's order.
bool sameFieldsIgnoringSpelling(std::vector<std::pair<std::string, std::string>> a,
    std::vector<std::pair<std::string, std::string>> b)
{
    for (auto *fields : { &a, &b }) {
        for (auto &field : *fields)
            field.first = lowered(std::move(field.first));
        std::sort(fields->begin(), fields->end());
    }
    return a == b;
}

} // namespace

void HttpGate::collectForHandler(const EgressRule &rule)
{
    m_handlerRule = rule;
    m_collected.clear();
    m_handlerSecrets.clear();
    // A handler decides by the method and path it sees; a field some
    // servers act on instead would carry the request past it.
    if (const std::string &field = m_request->head().overrideField; !field.empty())
        return refuse(400,
            QStringLiteral(
                "the %1 field is refused: a handler decides this request, by its method and path")
                .arg(fromStd(field)),
            rule);
    if (m_request->head().contentLength.value_or(0) > uint64_t(kMaxHandlerBody))
        return refuse(413,
            QStringLiteral("the request's body is over the %1 KiB a handler is given")
                .arg(kMaxHandlerBody / 1024),
            rule);
    // The client waits to be told to send its body: we read it, not the upstream.
    if (m_request->takeField("Expect") && m_request->head().hasBody())
        m_toClient += std::string("HTTP/1.1 100 Continue\r\n\r\n");
    m_phase = Phase::Collecting;
    m_collectDeadline.start(kCollectMs);
}

bool HttpGate::collectBody()
{
    if (!m_request->readBodyDecoded(m_fromClient, m_collected)) {
        refuse(m_request->refusal().status, fromStd(m_request->refusal().reason), m_handlerRule);
        return false;
    }
    if (qsizetype(m_collected.size()) > kMaxHandlerBody) {
        refuse(413,
            QStringLiteral("the request's body is over the %1 KiB a handler is given")
                .arg(kMaxHandlerBody / 1024),
            m_handlerRule);
        return false;
    }
    const qint64 more = qint64(m_collected.size()) - m_heldForHandler;
    if (more > 0 && !m_sandbox.holdForHandler(more)) {
        refuse(503,
            QStringLiteral(
                "too many request bodies are waiting for handlers in this sandbox; try again"),
            m_handlerRule);
        return false;
    }
    m_heldForHandler += std::max<qint64>(more, 0);
    if (!m_request->bodyDone()) return false;
    m_collectDeadline.stop();
    m_phase = Phase::Handling;
    startHandler();
    return false;
}

void HttpGate::startHandler()
{
    Inspection *inspection = m_sandbox.service().inspection();
    if (!inspection)
        return refuse(502, QStringLiteral("TLS inspection is unavailable"), m_handlerRule);
    QPointer<HttpGate> self(this);
    m_sandbox.resolveSecrets(
        m_handlerRule->handler.secrets, [self](Result<Inspection::SecretValues> values) {
            if (!self || self->m_finished) return;
            if (!values)
                return self->failBeforeSending(*self->m_handlerRule,
                    QStringLiteral("a secret its handler is handed cannot be had: %1 (`paddock "
                                   "secret ls` shows what is set)")
                        .arg(values.error().message));
            self->callHandler(std::move(*values));
        });
}

void HttpGate::callHandler(std::map<std::string, std::string> secrets)
{
    m_handlerSecrets = std::move(secrets);
    const RequestHead &head = m_request->head();
    QJsonArray fields;
    for (const auto &[name, value] : m_request->fields())
        fields.append(QJsonArray { fromStd(name), fromStd(value) });
    QJsonObject request { { QStringLiteral("method"), fromStd(head.method) },
        { QStringLiteral("url"),
            QStringLiteral("https://") + fromStd(m_conn.host)
                + (m_conn.port == 443 ? QString() : u':' + QString::number(m_conn.port))
                + fromStd(head.target.encoded()) },
        { QStringLiteral("headers"), fields } };
    putBody(request, QByteArray::fromStdString(m_collected));
    QJsonObject secretValues;
    for (const auto &[name, value] : m_handlerSecrets)
        secretValues.insert(fromStd(name), fromStd(value));
    QPointer<HttpGate> self(this);
    m_handlerTicket = m_sandbox.service().handlers().run(
        HandlerCall { m_sandbox.sandboxId(),
            m_sandbox.sandboxId() + u'/' + QString::number(m_handlerRule->id),
            m_handlerRule->handler, request, secretValues },
        [self](std::variant<HandlerReply, HandlerFailure> outcome) {
            if (self && !self->m_finished) self->onHandled(std::move(outcome));
        });
    // A client that gave up must not have its request sent on its behalf
    // when the handler answers (nor keep a helper's turn it no longer needs).
    m_hangup = std::make_unique<HangupWatch>(m_client.get(), [this] {
        m_log.denied(requestSummary(), m_handlerRule,
            QStringLiteral(
                "withdrawn: the client closed the connection before its handler answered"));
        finish();
    });
}

void HttpGate::onHandled(std::variant<HandlerReply, HandlerFailure> outcome)
{
    m_handlerTicket = 0;
    m_hangup.reset();
    releaseHeldBody(); // from here the body is the request's, paced like any other
    if (auto *failure = std::get_if<HandlerFailure>(&outcome)) {
        QString logged = withoutSecrets(failure->error);
        if (!failure->logs.isEmpty())
            logged += QStringLiteral(" — its console: ")
                + withoutSecrets(failure->logs.join(QStringLiteral(" | "))).left(1000);
        return denyAsHandled(
            QStringLiteral("%1 failed: %2").arg(handlerName(*m_handlerRule), logged));
    }
    const HandlerReply &reply = std::get<HandlerReply>(outcome);
    m_handlerConsole = withoutSecrets(reply.logs.mid(0, 3).join(QStringLiteral(" | "))).left(500);
    auto verdict = readHandlerVerdict(reply.result, HandlerOrigin { m_conn.host, m_conn.port });
    if (!verdict)
        return denyAsHandled(
            QStringLiteral("%1 failed: %2")
                .arg(handlerName(*m_handlerRule), withoutSecrets(verdict.error().message)));
    switch (verdict->kind) {
    case HandlerVerdict::Kind::Deny:
        return refuse(403,
            QStringLiteral("denied by %1: %2")
                .arg(handlerName(*m_handlerRule), withoutSecrets(fromStd(verdict->reason))),
            m_handlerRule);
    case HandlerVerdict::Kind::Respond:
        return answerFromHandler(*verdict);
    case HandlerVerdict::Kind::Send:
        return sendAsHandled(std::move(*verdict));
    }
}

// Whatever went wrong, the sandbox learns only that the request was denied.
void HttpGate::denyAsHandled(const QString &logged)
{
    refuse(403,
        QStringLiteral(
            "denied: the rule's handler did not pass the request (Paddock's egress log says why)"),
        m_handlerRule, logged);
}

void HttpGate::sendAsHandled(HandlerVerdict verdict)
{
    HttpTarget target = normalizeOriginForm(verdict.target);
    if (!target.ok())
        return denyAsHandled(QStringLiteral("%1 returned the url '%2': %3")
                                 .arg(handlerName(*m_handlerRule),
                                     fromStd(verdict.target).left(200), fromStd(target.problem)));
    const QString before = requestSummary();
    const std::string targetBefore = m_request->head().target.encoded();
    for (const auto &[name, value] : m_request->fields())
        m_sandboxSent.insert(lowered(name) + ':' + value);
    const bool sameFields = sameFieldsIgnoringSpelling(verdict.fields, m_request->fields()),
               sameBody = verdict.body == m_collected;
    m_request->rewrite(
        verdict.method, std::move(target), std::move(verdict.fields), verdict.body.size());
    const QString after = fromStd(m_request->head().summary());
    m_handledSummary = before;
    QStringList changed;
    if (before != after || targetBefore != m_request->head().target.encoded())
        changed.append(
            QStringLiteral("sent as %1")
                .arg(fromStd(m_request->head().method + ' ' + m_request->head().target.encoded())));
    if (!sameFields) changed.append(QStringLiteral("headers changed"));
    if (!sameBody) changed.append(QStringLiteral("body changed"));
    m_handlerNote = changed.isEmpty()
        ? QStringLiteral("passed unchanged by %1").arg(handlerName(*m_handlerRule))
        : QStringLiteral("%1: %2").arg(
            handlerName(*m_handlerRule), changed.join(QStringLiteral(", ")));
    if (!m_handlerConsole.isEmpty())
        m_handlerNote += QStringLiteral("; its console: ") + m_handlerConsole;
    m_collected = std::move(verdict.body);
    m_sendCollected = true;
    if (!m_handlerSecrets.empty()) {
        askWholeAndPlain(*m_request);
        // What it made of its secrets for a credential field (Basic auth, a
        // token in a cookie) is masked in the answer like the secrets are.
        for (const auto &[name, value] : m_request->fields())
            if (value.size() >= 8 && isCredentialField(name)
                && !m_sandboxSent.contains(lowered(name) + ':' + value))
                m_redactor.addValue(value);
    }
    m_handlerNote = withoutSecrets(m_handlerNote);
    QStringList names;
    for (const auto &[name, value] : m_handlerSecrets) {
        names.append(fromStd(name));
        m_redactor.addValue(value); // it leaves out values too short to be credentials
    }
    m_log.injectedNext(names);
    const EgressRule rule = *std::exchange(m_handlerRule, std::nullopt);
    m_handlerSecrets.clear();
    if (!rule.inject.isEmpty()) return injectThenSend(rule);
    sendAllowed(rule);
    process();
}

void HttpGate::answerFromHandler(const HandlerVerdict &verdict)
{
    for (const auto &[name, value] : m_handlerSecrets)
        m_redactor.addValue(value); // it leaves out values too short to be credentials
    const bool keepAlive = m_request->head().keepAlive && !m_clientEof;
    const std::string answer = handlerResponse(verdict, keepAlive);
    if (answer.empty())
        return denyAsHandled(QStringLiteral("%1 answered with a response HTTP cannot carry")
                                 .arg(handlerName(*m_handlerRule)));
    m_log.opened(requestSummary(), m_handlerRule,
        QStringLiteral("none: answered by ") + handlerName(*m_handlerRule),
        QStringLiteral("answered by %1").arg(handlerName(*m_handlerRule))
            + (m_handlerConsole.isEmpty() ? QString()
                                          : QStringLiteral("; its console: ") + m_handlerConsole));
    m_log.undelivered();
    m_log.responded(int(verdict.status));
    m_log.relayed(qint64(answer.size()));
    m_log.closed();
    relayToClient(answer);
    flushRedactor();
    m_request.reset();
    m_handlerRule.reset();
    m_handlerSecrets.clear();
    m_collected.clear();
    if (keepAlive) {
        m_phase = Phase::Head;
        process();
        return;
    }
    m_phase = Phase::Closing;
    m_fromClient.clear();
    flush();
}

void HttpGate::releaseHeldBody()
{
    m_sandbox.releaseForHandler(std::exchange(m_heldForHandler, 0));
}

// A handler's error or reason may quote what it was handed.
QString HttpGate::withoutSecrets(const QString &text) const
{
    return maskSecretValues(text, m_handlerSecrets);
}

} // namespace paddock::egress
