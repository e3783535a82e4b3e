// The H2 gate's requests (h2_gate.h): each stream's head checked and
// decided by the rules, injected as the HTTP/1.1 gate injects, and sent
// upstream on a stream of its own; or answered by Paddock with the reason.
#include "h2_gate.h"

#include "egress/egress_limits.h"
#include "egress/egress_service.h"
#include "egress/gate_shared.h"
#include "egress/inspection.h"
#include "egress/rule_matcher.h"
#include "egress/sandbox_egress.h"

#include <QPointer>

#include <cstring>

namespace paddock::egress::h2 {

// Every stream takes a turn of its sandbox's request rate before anything
// about it is decided or logged, a refusal included: a flood of streams,
// reset or malformed, then costs the engine only their parsing.
void H2Gate::requestHeadRead(H2Stream &st)
{
    const bool itsTurn = m_queued.empty() && m_decidedThisWake < kDecisionsPerWake;
    if (itsTurn && m_sandbox.mayDecideRequest()) {
        ++m_decidedThisWake;
        return checkThenDecide(st);
    }
    st.stage = H2Stream::Stage::Queued;
    m_queued.push_back(st.client);
    if (itsTurn || m_waitingForRate) return waitForRate();
    if (!m_rateRetry.isActive()) m_rateRetry.start(0);
}

// Decides the next slice of waiting streams. A full slice looks again on the
// next turn of the event loop (the other connections and the desktop go
// first); a spent request rate waits for it to refill.
void H2Gate::admitQueued()
{
    m_decidedThisWake = 0;
    m_waitingForRate = false;
    while (!m_queued.empty() && !m_finished && m_decidedThisWake < kDecisionsPerWake) {
        auto it = m_streams.find(m_queued.front());
        if (it == m_streams.end() || it->second->stage != H2Stream::Stage::Queued) {
            m_queued.pop_front(); // reset while it waited
            continue;
        }
        if (!m_sandbox.mayDecideRequest()) {
            waitForRate();
            return pump();
        }
        m_queued.pop_front();
        ++m_decidedThisWake;
        it->second->stage = H2Stream::Stage::Head;
        checkThenDecide(*it->second);
    }
    if (!m_queued.empty()) m_rateRetry.start(0);
    pump();
}

// The log says how many requests waited for the rate, each once; the queue
// is at most the streams a connection may open (H2Session::kMaxConcurrentStreams).
void H2Gate::waitForRate()
{
    for (int32_t id : m_queued) {
        auto it = m_streams.find(id);
        if (it == m_streams.end() || it->second->heldForRate) continue;
        it->second->heldForRate = true;
        m_sandbox.countRequestHeldBack();
    }
    if (!m_waitingForRate) m_rateRetry.start(limits::kHttpRequestRetryMs);
    m_waitingForRate = true;
}

void H2Gate::checkThenDecide(H2Stream &st)
{
    const std::string problem = st.request.check(m_conn);
    if (!problem.empty()) return answer(st, 400, fromStd(problem));
    if (const QString why = trailerRefusal(st); !why.isEmpty()) return answer(st, 400, why);
    decide(st);
}

void H2Gate::decide(H2Stream &st)
{
    EgressService &svc = m_sandbox.service();
    const QList<EgressRule> &rules = svc.orderedRules(m_sandbox.sandboxId());
    // Where rules decide by method and path, a field that makes a server act
    // on another method or path would carry the request past them.
    if (const QString refusal = overrideFieldRefusal(st.request.overrideField(), rules, m_dest);
        !refusal.isEmpty())
        return answer(st, 400, refusal);
    const HttpRequestInfo info { fromStd(st.request.method()),
        fromStd(st.request.requestTarget().path) };
    const Decision d
        = egress::decide(rules, m_dest, svc.asksUnlisted(m_sandbox.sandboxId()), &info);
    st.rule = d.rule;
    if (d.action == EgressAction::Deny) return answer(st, 403, d.reason);
    if (d.action != EgressAction::Ask) return allow(st);
    st.stage = H2Stream::Stage::Deciding;
    QPointer<H2Gate> self(this);
    const int32_t id = st.client;
    st.question = svc.askPerson(m_sandbox.sandboxId(), m_dest, m_process, &info,
        [self, id](bool allowed, const QString &why) {
            if (!self || self->m_finished) return;
            auto it = self->m_streams.find(id);
            if (it == self->m_streams.end()) return;
            H2Stream &asked = *it->second;
            asked.question = {};
            if (allowed) {
                asked.log->allowedNext(why);
                self->allow(asked);
            } else {
                self->answer(asked, 403, why);
            }
            self->schedulePump();
        });
}

void H2Gate::allow(H2Stream &st)
{
    const std::optional<EgressRule> &rule = st.rule;
    if (rule && rule->action == EgressAction::Inspect && !rule->handler.isEmpty()) {
        // A handler reads a request whole, one at a time: refused here so the
        // client retries on a new connection, which is not offered h2.
        st.log->denied(fromStd(st.request.summary()), rule,
            QStringLiteral(
                "its rule runs a handler, which HTTP/2 is not given: the client is told to retry "
                "on a new connection (HTTP/1.1)"));
        st.stage = H2Stream::Stage::Answered;
        m_client.reset(st.client, NGHTTP2_REFUSED_STREAM);
        m_client.goAway(NGHTTP2_NO_ERROR);
        return;
    }
    if (rule && rule->action == EgressAction::Inspect && !rule->inject.isEmpty())
        return injectThenSend(st);
    send(st);
}

// The secrets first (a command's output may take a while), then the request.
void H2Gate::injectThenSend(H2Stream &st)
{
    Inspection *inspection = m_sandbox.service().inspection();
    if (!inspection) return answer(st, 502, QStringLiteral("TLS inspection is unavailable"));
    st.stage = H2Stream::Stage::Deciding;
    QPointer<H2Gate> self(this);
    const int32_t id = st.client;
    m_sandbox.resolveSecrets(
        injectedSecretNames(st.rule->inject), [self, id](Result<Inspection::SecretValues> values) {
            if (!self || self->m_finished) return;
            auto it = self->m_streams.find(id);
            if (it == self->m_streams.end() || it->second->clientClosed) return;
            H2Stream &st = *it->second;
            auto names = injectRule(st.request, st.rule->inject, values, st.redactor);
            if (!names) return self->failBeforeSending(st, names.error().message);
            st.log->injectedNext(*names);
            self->send(st);
            self->schedulePump();
        });
}

void H2Gate::send(H2Stream &st, const QString &note)
{
    if (m_upstreamOver) {
        // The upstream takes no new streams: the client retries elsewhere.
        st.stage = H2Stream::Stage::Answered;
        m_client.reset(st.client, NGHTTP2_REFUSED_STREAM);
        return;
    }
    QStringList notes { note, placeholderNote(m_sandbox.service().inspection(), st.request) };
    notes.removeAll(QString());
    const H2Fields fields = st.request.upstreamFields(m_conn);
    st.log->headersNext(headerLines(masked(st, fields)));
    st.log->opened(fromStd(st.request.summary()), st.rule, m_upstreamDescription,
        notes.join(QStringLiteral("; ")));
    const bool hasBody = !st.requestEnded || !st.toUpstream.empty();
    const int32_t id = m_upstream.submitRequest(fields, hasBody);
    if (id < 0) {
        st.log->undelivered();
        st.log->failed(QStringLiteral("the upstream takes no new stream (%1)")
                           .arg(fromStd(nghttp2_strerror(id))));
        st.stage = H2Stream::Stage::Answered;
        m_client.reset(st.client, NGHTTP2_REFUSED_STREAM);
        return;
    }
    st.upstream = id;
    m_byUpstream[id] = st.client;
    st.stage = H2Stream::Stage::Sent;
}

// Paddock answers the stream itself; the connection's other streams go on.
// `logged`: what the log says, when it should say more than the client is told.
void H2Gate::answer(H2Stream &st, unsigned status, const QString &reason, const QString &logged)
{
    if (status != 502)
        st.log->denied(fromStd(st.request.summary()), st.rule, logged.isEmpty() ? reason : logged,
            int(status));
    st.stage = H2Stream::Stage::Answered;
    m_client.consume(st.client, st.toUpstream.size());
    st.toUpstream.clear();
    const std::string body = refusalBody(reason);
    st.toClient += body;
    st.responseEnded = true;
    st.responded = true;
    m_client.submitResponse(st.client,
        { { ":status", std::to_string(status) }, { "content-type", "text/plain; charset=utf-8" },
            { "content-length", std::to_string(body.size()) },
            { "x-paddock-egress", refusalKind(status) } },
        true);
}

// Allowed, but it cannot go as the rule says: logged as a failure (not a
// denial), answered 502, and nothing reaches the upstream.
void H2Gate::failBeforeSending(H2Stream &st, const QString &problem)
{
    st.log->opened(fromStd(st.request.summary()), st.rule, m_upstreamDescription);
    st.log->responded(502);
    st.log->failed(QStringLiteral("not sent: ") + problem);
    answer(st, 502,
        QStringLiteral(
            "not sent: a secret the rule uses could not be had (Paddock's egress log says why)"));
    schedulePump();
}

// Trailers may not carry what the head could not: a field some servers
// act on instead of the method or path, where rules decide by them.
// Empty, or why the request's trailers carry it past the rules.
QString H2Gate::trailerRefusal(const H2Stream &st)
{
    const QString refusal = overrideFieldRefusal(overrideFieldAmong(st.requestTrailers),
        m_sandbox.service().orderedRules(m_sandbox.sandboxId()), m_dest);
    return refusal.isEmpty() ? refusal : QStringLiteral("in its trailers, ") + refusal;
}

void H2Gate::requestTrailersRead(H2Stream &st)
{
    st.requestEnded = true;
    if (st.stage == H2Stream::Stage::Queued) return; // checked with its head, in its turn
    const QString why = trailerRefusal(st);
    if (why.isEmpty()) {
        if (st.upstream) m_upstream.resumeBody(st.upstream);
        return;
    }
    if (st.stage != H2Stream::Stage::Sent) return answer(st, 400, why);
    st.log->failed(QStringLiteral("cut off: ") + why); // its body never ends upstream
    m_upstream.reset(st.upstream, NGHTTP2_CANCEL);
    m_client.reset(st.client, NGHTTP2_REFUSED_STREAM);
}

H2Events::Body H2Gate::readRequestBody(H2Stream &st, uint8_t *out, size_t room)
{
    Body body;
    body.copied = std::min(room, st.toUpstream.size());
    std::memcpy(out, st.toUpstream.data(), body.copied);
    st.toUpstream.consume(body.copied);
    m_client.consume(st.client, body.copied);
    st.log->sent(qint64(body.copied));
    body.ended = st.requestEnded && st.toUpstream.empty();
    body.waiting = !body.ended && st.toUpstream.empty();
    if (body.ended) body.trailers = &st.requestTrailers;
    return body;
}

} // namespace paddock::egress::h2
