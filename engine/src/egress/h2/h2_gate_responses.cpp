// The H2 gate's responses (h2_gate.h): the upstream's head, body and
// trailers go back on the sandbox's stream, with the values injected into
// that stream's request masked (inject/secret_redactor.h); the upstream's
// window opens only as the sandbox's side takes the bytes.
#include "h2_gate.h"

#include "egress/gate_shared.h"
#include "egress/http_response_framer.h"

#include <cstring>

namespace paddock::egress::h2 {

namespace {

int statusOf(const H2Fields &fields)
{
    for (const auto &[name, value] : fields)
        if (name == ":status") return std::atoi(value.c_str());
    return 0;
}

bool compressed(const H2Fields &fields)
{
    for (const auto &[name, value] : fields)
        if (name == "content-encoding" && namesUnreadableCoding(value)) return true;
    return false;
}

} // namespace

void H2Gate::responseBlockRead(H2Stream &st, bool endStream)
{
    H2Fields fields = masked(st, std::exchange(st.block, {}));
    if (st.clientClosed) return;
    if (st.responded) { // trailers (gRPC's grpc-status rides here)
        st.responseTrailers = std::move(fields);
        return responseEnds(st);
    }
    const int status = statusOf(fields);
    if (status >= 100 && status < 200) {
        m_client.submitInformational(st.client, fields); // 100 Continue, 103 Early Hints
        return;
    }
    if (st.redactor.active() && !endStream && compressed(fields)) {
        const QString why = QStringLiteral(
            "the upstream compressed its answer to a request that carries a secret (it was asked not to): "
            "it cannot be masked, so it is not passed on");
        st.log->responded(502);
        st.log->failed(why);
        m_upstream.reset(st.upstream, NGHTTP2_CANCEL);
        st.responded = st.responseEnded = true; // its reset comes back: nothing more to answer
        return answer(st, 502, why);
    }
    st.responded = true;
    st.responseEnded = endStream;
    st.log->responded(status, headerLines(fields));
    m_client.submitResponse(st.client, fields, !endStream);
}

void H2Gate::responseData(H2Stream &st, std::string_view bytes)
{
    if (st.clientClosed || st.stage == H2Stream::Stage::Answered) // Paddock answered it instead
        return m_upstream.consume(st.upstream, bytes.size());
    if (st.redactor.active())
        st.redactor.feed(bytes, st.toClient.back());
    else
        st.toClient += bytes;
    st.unconsumed += bytes.size();
    st.log->relayed(qint64(bytes.size()));
    m_client.resumeBody(st.client);
}

void H2Gate::responseEnds(H2Stream &st)
{
    st.redactor.flush(st.toClient.back());
    st.responseEnded = true;
    m_client.resumeBody(st.client);
}

// Bytes held back in case they begin a secret go out once a response
// pauses: a streamed message must not wait for the next one.
void H2Gate::flushRedactors()
{
    for (auto &[id, st] : m_streams) {
        if (st->redactor.held() == 0) continue;
        st->redactor.flush(st->toClient.back());
        m_client.resumeBody(st->client);
    }
}

H2Fields H2Gate::masked(const H2Stream &st, H2Fields fields) const
{
    if (!st.redactor.active()) return fields;
    for (auto &field : fields) { // names too: an upstream may echo a value as one
        field.first = st.redactor.masked(field.first);
        field.second = st.redactor.masked(field.second);
    }
    return fields;
}

H2Events::Body H2Gate::readResponseBody(H2Stream &st, uint8_t *out, size_t room)
{
    Body body;
    body.copied = std::min(room, st.toClient.size());
    std::memcpy(out, st.toClient.data(), body.copied);
    st.toClient.consume(body.copied);
    const size_t taken = std::min(body.copied, st.unconsumed);
    if (st.upstream) m_upstream.consume(st.upstream, taken);
    st.unconsumed -= taken;
    body.ended = st.responseEnded && st.toClient.empty();
    body.waiting = !body.ended && st.toClient.empty();
    if (body.ended) body.trailers = &st.responseTrailers;
    return body;
}

// The upstream's stream ended: well (its response is whole), or with a
// reset the sandbox's stream gets too: a refusal as REFUSED_STREAM (the
// client may retry it), anything before a response as a 502 that says why.
void H2Gate::upstreamStreamClosed(H2Stream &st, uint32_t errorCode)
{
    st.upstreamClosed = true;
    if (st.clientClosed) return;
    if (errorCode == NGHTTP2_NO_ERROR) {
        if (!st.responseEnded) responseEnds(st);
        return;
    }
    if (st.responseEnded) return; // all of it arrived; the reset only stops our side
    const QString why
        = QStringLiteral("the upstream reset the stream (HTTP/2 error %1)").arg(errorCode);
    if (!st.responded && errorCode != NGHTTP2_REFUSED_STREAM) {
        st.log->responded(502);
        st.log->failed(why);
        return answer(st, 502, why);
    }
    st.log->failed(why);
    m_client.reset(st.client, errorCode);
}

} // namespace paddock::egress::h2
