// The H2 gate's connection (h2_gate.h): the two sockets, the two
// sessions, and which stream each event belongs to.
#include "h2_gate.h"

#include "egress/egress_limits.h"
#include "egress/egress_service.h"
#include "egress/gate_shared.h"
#include "egress/sandbox_egress.h"

namespace paddock::egress::h2 {

namespace {

// Frames waiting for a socket, per direction, before the gate stops
// reading what would make more (the sessions' windows bound the rest).
constexpr size_t kMaxQueued = 256 * 1024;
// All one direction may hold: its frames and its streams' bodies.
constexpr size_t kMaxHeld = kMaxQueued + size_t(H2Session::kConnectionWindow);
constexpr int kRedactorFlushMs = 20;
// The sandbox's frames are parsed as they are read, at most this much a
// wake: a flood of tiny frames (a rapid reset's HEADERS and RST_STREAM,
// ~20 bytes a stream) is handled in slices of a few milliseconds, each on
// its sandbox's engine time, not in megabytes at once.
constexpr size_t kClientReadPerWake = 64 * 1024;

} // namespace

H2Gate::H2Gate(SandboxEgress &sandbox, UniqueFd client, UniqueFd upstream,
    QString upstreamDescription, Destination dest, QString process, ConnectionLease lease)
    : QObject(&sandbox)
    , m_sandbox(sandbox)
    , m_clientFd(std::move(client))
    , m_upstreamFd(std::move(upstream))
    , m_upstreamDescription(std::move(upstreamDescription))
    , m_dest(std::move(dest))
    , m_conn(gateConnection(m_dest, true))
    , m_process(std::move(process))
    , m_lease(std::move(lease))
    , m_stall(limits::kStalledConnectionMs, [this] {
        finish(QStringLiteral("ended: what waited to go did not move for %1 s")
                   .arg(limits::kStalledConnectionMs / 1000));
    })
{
    m_redactorFlush.setSingleShot(true);
    m_budgetRetry.setSingleShot(true);
    connect(&m_budgetRetry, &QTimer::timeout, this, &H2Gate::updateNotifiers);
    m_rateRetry.setSingleShot(true);
    connect(&m_rateRetry, &QTimer::timeout, this, [this] {
        onEngineTime(m_sandbox, [this] { admitQueued(); }, [this] { m_rateRetry.start(limits::kRelayBudgetRetryMs); });
    });
    connect(&m_redactorFlush, &QTimer::timeout, this, [this] {
        flushRedactors();
        pump();
    });
}

H2Gate::~H2Gate() = default;

void H2Gate::start()
{
    m_clientRead = std::make_unique<QSocketNotifier>(m_clientFd.get(), QSocketNotifier::Read);
    m_clientWrite = std::make_unique<QSocketNotifier>(m_clientFd.get(), QSocketNotifier::Write);
    m_upstreamRead = std::make_unique<QSocketNotifier>(m_upstreamFd.get(), QSocketNotifier::Read);
    m_upstreamWrite = std::make_unique<QSocketNotifier>(m_upstreamFd.get(), QSocketNotifier::Write);
    const auto outOfTime = [this] { updateNotifiers(); };
    connect(m_clientRead.get(), &QSocketNotifier::activated, this,
        [this, outOfTime] { onEngineTime(m_sandbox, [this] { readClient(); }, outOfTime); });
    connect(m_upstreamRead.get(), &QSocketNotifier::activated, this,
        [this, outOfTime] { onEngineTime(m_sandbox, [this] { readUpstream(); }, outOfTime); });
    connect(m_clientWrite.get(), &QSocketNotifier::activated, this, &H2Gate::pump);
    connect(m_upstreamWrite.get(), &QSocketNotifier::activated, this, &H2Gate::pump);
    pump();
}

// What there is goes straight into the session: the gate keeps no read
// buffer of its own. Drained, Ended (the peer's end), or Stopped with
// `error` set when the peer broke HTTP/2.
ReadOutcome H2Gate::readInto(int fd, H2Session &session, std::string &error, size_t limit)
{
    return readChunks(
        fd, [&](std::string_view chunk) { return session.receive(chunk, error); }, limit);
}

void H2Gate::readClient()
{
    m_decidedThisWake = 0;
    std::string error;
    const size_t limit = std::min(kClientReadPerWake, m_lease.readAllowance(fromClientQueued(), kMaxHeld));
    const ReadOutcome read = readInto(m_clientFd.get(), m_client, error, limit);
    m_lease.setBuffered(fromClientQueued() + fromUpstreamQueued());
    switch (read) {
    case ReadOutcome::Stopped:
        return finish(QStringLiteral("the sandbox's client broke HTTP/2 (%1)").arg(fromStd(error)));
    case ReadOutcome::Ended:
        return finish(QStringLiteral("the client closed the connection"));
    case ReadOutcome::Drained:
        break;
    }
    pump();
}

void H2Gate::readUpstream()
{
    std::string error;
    const size_t limit = m_lease.readAllowance(fromUpstreamQueued(), kMaxHeld);
    const ReadOutcome read = readInto(m_upstreamFd.get(), m_upstream, error, limit);
    m_lease.setBuffered(fromClientQueued() + fromUpstreamQueued());
    switch (read) {
    case ReadOutcome::Stopped:
        return upstreamEnded(QStringLiteral("the upstream broke HTTP/2 (%1)").arg(fromStd(error)));
    case ReadOutcome::Ended:
        return upstreamEnded(QStringLiteral("the upstream closed the connection"));
    case ReadOutcome::Drained:
        break;
    }
    bool held = false;
    for (const auto &[id, st] : m_streams)
        held = held || (st->redactor.held() > 0 && !st->responseEnded);
    if (held) m_redactorFlush.start(kRedactorFlushMs);
    pump();
}

// The upstream connection is gone or broken: what it still owed fails,
// and the sandbox is told to open a new connection for anything more.
void H2Gate::upstreamEnded(const QString &why)
{
    m_upstreamOver = true;
    m_upstreamRead.reset();
    m_upstreamWrite.reset();
    m_upstreamFd.reset();
    m_toUpstream.clear();
    std::vector<int32_t> owed;
    for (const auto &[id, st] : m_streams)
        if (st->upstream && !st->upstreamClosed) owed.push_back(id);
    for (int32_t id : owed) {
        H2Stream &st = *m_streams.at(id);
        st.upstreamClosed = true;
        if (!st.responseEnded) { // all it owed is here otherwise
            st.log->failed(why);
            m_client.reset(st.client, NGHTTP2_INTERNAL_ERROR);
        }
        forget(st); // a stream the sandbox already left would otherwise keep the gate alive
    }
    m_client.goAway(NGHTTP2_NO_ERROR);
    pump();
}

void H2Gate::pump()
{
    if (m_finished) return;
    std::string error;
    if (!m_upstreamOver) {
        if (!m_upstream.produce(m_toUpstream, kMaxQueued, error))
            return upstreamEnded(
                QStringLiteral("HTTP/2 to the upstream failed (%1)").arg(fromStd(error)));
        if (!writeSome(m_upstreamFd.get(), m_toUpstream))
            return upstreamEnded(QStringLiteral("the upstream stopped reading"));
        if (m_upstream.over() && m_toUpstream.empty())
            return upstreamEnded(QStringLiteral("the upstream ended the connection (GOAWAY)"));
    }
    if (!m_client.produce(m_toClient, kMaxQueued, error))
        return finish(QStringLiteral("HTTP/2 to the client failed (%1)").arg(fromStd(error)));
    if (!writeSome(m_clientFd.get(), m_toClient))
        return finish(QStringLiteral("the client stopped reading"));
    if (m_toClient.empty() && (m_client.over() || (m_upstreamOver && m_streams.empty())))
        return finish({});
    updateNotifiers();
}

// From inside a session's callbacks (a secret or an answer can come
// back at once) the sessions must not be driven: the pump runs after.
void H2Gate::schedulePump()
{
    if (std::exchange(m_pumpScheduled, true)) return;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_pumpScheduled = false;
            pump();
        },
        Qt::QueuedConnection);
}

void H2Gate::updateNotifiers()
{
    if (m_finished) return;
    // Reading one side makes frames for both (acknowledgements, windows):
    // each waits while either queue is full.
    const bool room = m_toClient.size() < kMaxQueued && m_toUpstream.size() < kMaxQueued;
    const size_t fromClient = fromClientQueued(), fromUpstream = fromUpstreamQueued();
    m_lease.setBuffered(fromClient + fromUpstream);
    const bool engineTime = m_sandbox.mayUseEngineTime();
    const bool clientRoom = engineTime && m_lease.readAllowance(fromClient, kMaxHeld) > 0;
    const bool upstreamRoom = engineTime && m_lease.readAllowance(fromUpstream, kMaxHeld) > 0;
    m_clientRead->setEnabled(room && clientRoom && m_client.wantsRead() && m_queued.empty());
    m_clientWrite->setEnabled(!m_toClient.empty());
    if (m_upstreamRead) {
        m_upstreamRead->setEnabled(room && upstreamRoom);
        m_upstreamWrite->setEnabled(!m_toUpstream.empty());
    }
    const bool heldBySandbox = !engineTime || m_lease.heldBySandbox(fromClient, kMaxHeld)
        || m_lease.heldBySandbox(fromUpstream, kMaxHeld);
    if (heldBySandbox && !m_budgetRetry.isActive()) m_budgetRetry.start(limits::kRelayBudgetRetryMs);
    m_stall.queued(fromClient + fromUpstream);
    // Held for the sandbox: what the connection holds should be all it
    // costs. (A queue merely full is the fast path of a download.)
    if (heldBySandbox) releaseSpare();
}

void H2Gate::releaseSpare()
{
    m_toClient.releaseSpare();
    m_toUpstream.releaseSpare();
    for (auto &[id, st] : m_streams) {
        st->toClient.shrinkToContents();
        st->toUpstream.shrinkToContents();
    }
}

size_t H2Gate::fromClientQueued() const
{
    size_t bytes = m_toUpstream.size();
    for (const auto &[id, st] : m_streams)
        bytes += st->toUpstream.size();
    return bytes;
}

size_t H2Gate::fromUpstreamQueued() const
{
    size_t bytes = m_toClient.size();
    for (const auto &[id, st] : m_streams)
        bytes += st->toClient.size();
    return bytes;
}

// Ends the connection; `why` goes to the entries of requests still open.
void H2Gate::finish(const QString &why)
{
    if (m_finished) return;
    m_finished = true;
    for (auto &[id, st] : m_streams) {
        if (!st->question.question.isEmpty()) m_sandbox.service().withdrawQuestion(st->question);
        if (st->log->isOpen())
            st->log->closed(why.isEmpty() ? QStringLiteral("the connection ended") : why);
        m_sandbox.noteCutShortValues(st->redactor.cutShort());
    }
    m_streams.clear();
    m_clientRead.reset();
    m_clientWrite.reset();
    m_upstreamRead.reset();
    m_upstreamWrite.reset();
    deleteLater();
}

H2Stream *H2Gate::streamFor(const H2Session &s, int32_t stream)
{
    int32_t client = stream;
    if (&s == &m_upstream) {
        auto it = m_byUpstream.find(stream);
        if (it == m_byUpstream.end()) return nullptr;
        client = it->second;
    }
    auto it = m_streams.find(client);
    return it == m_streams.end() ? nullptr : it->second.get();
}

// A stream both sides are done with. What it still held is given back to
// the windows, or each early end would shrink the connection's for good.
void H2Gate::forget(H2Stream &st)
{
    if (!st.clientClosed || (st.upstream && !st.upstreamClosed)) return;
    m_client.consume(st.client, st.toUpstream.size());
    if (st.upstream) {
        m_upstream.consume(st.upstream, st.unconsumed);
        m_byUpstream.erase(st.upstream);
    }
    m_sandbox.noteCutShortValues(st.redactor.cutShort());
    m_streams.erase(st.client);
}

bool H2Gate::addToBlock(H2Stream &st, std::string_view name, std::string_view value)
{
    st.blockBytes += H2RequestHead::fieldBytes(name, value);
    if (st.blockBytes > H2RequestHead::kMaxHeadBytes) return false;
    st.block.emplace_back(std::string(name), std::string(value));
    return true;
}

void H2Gate::onBlockBegins(H2Session &s, int32_t stream)
{
    H2Stream *st = streamFor(s, stream);
    if (!st && &s == &m_client) return openStream(stream);
    if (!st) return;
    st->block.clear();
    st->blockBytes = 0;
}

// A new stream from the sandbox, under its sandbox's stream cap or refused.
void H2Gate::openStream(int32_t stream)
{
    std::optional<StreamPlace> place = m_lease.takeStream();
    if (!place) {
        m_refusing = stream;
        m_client.reset(stream, NGHTTP2_REFUSED_STREAM);
        m_sandbox.countStreamRefused();
        return;
    }
    auto fresh = std::make_unique<H2Stream>();
    fresh->place = std::move(*place);
    fresh->client = stream;
    fresh->log = std::make_unique<HttpRequestLog>(m_sandbox, m_dest, m_process, QStringLiteral("https"));
    fresh->log->setUpstream(m_upstreamDescription);
    fresh->log->describeNext(QStringLiteral("HTTP/2"));
    m_streams.emplace(stream, std::move(fresh));
}

bool H2Gate::onField(H2Session &s, int32_t stream, std::string_view name, std::string_view value)
{
    H2Stream *st = streamFor(s, stream);
    if (!st) return &s == &m_client && stream == m_refusing; // its reset is on its way
    if (&s == &m_client && st->stage == H2Stream::Stage::Head) return st->request.add(name, value);
    return addToBlock(*st, name, value);
}

void H2Gate::onBlockEnds(H2Session &s, int32_t stream, bool endStream)
{
    H2Stream *st = streamFor(s, stream);
    if (!st) return;
    if (&s == &m_upstream) return responseBlockRead(*st, endStream);
    if (st->stage == H2Stream::Stage::Head) {
        st->requestEnded = endStream;
        return requestHeadRead(*st);
    }
    // Trailers: the request's last word.
    st->requestTrailers = std::exchange(st->block, {});
    requestTrailersRead(*st);
}

void H2Gate::onData(H2Session &s, int32_t stream, std::string_view bytes)
{
    H2Stream *st = streamFor(s, stream);
    if (&s == &m_upstream) {
        if (st)
            responseData(*st, bytes);
        else
            m_upstream.consume(stream, bytes.size());
        return;
    }
    if (!st || st->stage == H2Stream::Stage::Answered) {
        m_client.consume(stream, bytes.size()); // nobody will send it: the window opens again
        return;
    }
    st->toUpstream += bytes;
    if (st->upstream) m_upstream.resumeBody(st->upstream);
}

void H2Gate::onDataEnds(H2Session &s, int32_t stream)
{
    H2Stream *st = streamFor(s, stream);
    if (!st) return;
    if (&s == &m_upstream) return responseEnds(*st);
    st->requestEnded = true;
    if (st->upstream) m_upstream.resumeBody(st->upstream);
}

void H2Gate::onClosed(H2Session &s, int32_t stream, uint32_t errorCode)
{
    H2Stream *st = streamFor(s, stream);
    if (!st) return;
    if (&s == &m_upstream) {
        upstreamStreamClosed(*st, errorCode);
        return forget(*st);
    }
    st->clientClosed = true;
    if (!st->question.question.isEmpty())
        m_sandbox.service().withdrawQuestion(std::exchange(st->question, {}));
    if (st->upstream && !st->upstreamClosed) {
        // Open: its close comes back, then the stream goes. Still queued
        // (the upstream's stream limit): the reset cancels its HEADERS.
        const bool sent = m_upstream.streamOpen(st->upstream);
        m_upstream.reset(st->upstream, NGHTTP2_CANCEL);
        if (!sent) {
            st->upstreamClosed = true;
            st->log->undelivered();
        }
    }
    if (st->log->isOpen()) {
        if (errorCode == NGHTTP2_NO_ERROR && st->responseEnded)
            st->log->closed();
        else
            st->log->closed(
                QStringLiteral("the stream was reset before its response ended (HTTP/2 error %1)")
                    .arg(errorCode));
    }
    forget(*st);
}

H2Events::Body H2Gate::readBody(H2Session &s, int32_t stream, uint8_t *out, size_t room)
{
    H2Stream *st = streamFor(s, stream);
    if (!st) return Body { 0, false, false, nullptr, true }; // nobody's: never "ended"
    return &s == &m_upstream ? readRequestBody(*st, out, room) : readResponseBody(*st, out, room);
}

} // namespace paddock::egress::h2
