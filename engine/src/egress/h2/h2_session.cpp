#include "h2_session.h"

#include "egress/byte_queue.h"

namespace paddock::egress::h2 {

namespace {

// Resets per second a peer may cause before the connection is ended
// (CVE-2023-44487, "rapid reset"): a burst, then this rate.
constexpr uint64_t kResetBurst = 1000;
constexpr uint64_t kResetsPerSecond = 33;
// CONTINUATION frames one header block may spread over (CVE-2024-27316).
constexpr size_t kMaxContinuations = 8;

H2Session &sessionOf(void *self)
{
    return *static_cast<H2Session *>(self);
}

std::vector<nghttp2_nv> nameValues(const H2Fields &fields)
{
    std::vector<nghttp2_nv> nv;
    nv.reserve(fields.size());
    for (const auto &[name, value] : fields)
        nv.push_back({ reinterpret_cast<uint8_t *>(const_cast<char *>(name.data())),
            reinterpret_cast<uint8_t *>(const_cast<char *>(value.data())), name.size(),
            value.size(), NGHTTP2_NV_FLAG_NONE });
    return nv;
}

std::string_view text(const uint8_t *bytes, size_t length)
{
    return std::string_view(reinterpret_cast<const char *>(bytes), length);
}

} // namespace

H2Session::H2Session(Role role, H2Events &events)
    : m_role(role)
    , m_events(events)
{
    nghttp2_session_callbacks *callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose);
    nghttp2_option *option = nullptr;
    nghttp2_option_new(&option);
    nghttp2_option_set_no_auto_window_update(option, 1);
    nghttp2_option_set_stream_reset_rate_limit(option, kResetBurst, kResetsPerSecond);
    nghttp2_option_set_max_continuations(option, kMaxContinuations);
    if (role == Role::Server)
        nghttp2_session_server_new2(&m_session, callbacks, this, option);
    else
        nghttp2_session_client_new2(&m_session, callbacks, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
    sendSettings();
}

H2Session::~H2Session()
{
    nghttp2_session_del(m_session);
}

void H2Session::sendSettings()
{
    const nghttp2_settings_entry settings[] = {
        { NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxConcurrentStreams },
        { NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, uint32_t(kStreamWindow) },
        // Last, sent by the client side only: the gate decides each
        // request, so the upstream may push none.
        { NGHTTP2_SETTINGS_ENABLE_PUSH, 0 },
    };
    const size_t count = m_role == Role::Client ? 3 : 2;
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, count);
    nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, kConnectionWindow);
}

bool H2Session::receive(std::string_view bytes, std::string &error)
{
    const ssize_t n = nghttp2_session_mem_recv(
        m_session, reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
    if (n >= 0) return true;
    error = nghttp2_strerror(int(n));
    return false;
}

bool H2Session::produce(ByteQueue &out, size_t limit, std::string &error)
{
    while (out.size() < limit) {
        const uint8_t *data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(m_session, &data);
        if (n < 0) {
            error = nghttp2_strerror(int(n));
            return false;
        }
        if (n == 0) break;
        out.append(text(data, size_t(n)));
    }
    return true;
}

bool H2Session::over() const
{
    return !nghttp2_session_want_read(m_session) && !nghttp2_session_want_write(m_session);
}

bool H2Session::wantsRead() const
{
    return nghttp2_session_want_read(m_session);
}

int32_t H2Session::submitRequest(const H2Fields &fields, bool hasBody)
{
    const std::vector<nghttp2_nv> nv = nameValues(fields);
    nghttp2_data_provider body {};
    body.read_callback = readBodyCallback;
    return nghttp2_submit_request(
        m_session, nullptr, nv.data(), nv.size(), hasBody ? &body : nullptr, nullptr);
}

bool H2Session::submitResponse(int32_t stream, const H2Fields &fields, bool hasBody)
{
    const std::vector<nghttp2_nv> nv = nameValues(fields);
    nghttp2_data_provider body {};
    body.read_callback = readBodyCallback;
    return nghttp2_submit_response(
               m_session, stream, nv.data(), nv.size(), hasBody ? &body : nullptr)
        == 0;
}

bool H2Session::submitInformational(int32_t stream, const H2Fields &fields)
{
    const std::vector<nghttp2_nv> nv = nameValues(fields);
    return nghttp2_submit_headers(
               m_session, NGHTTP2_FLAG_NONE, stream, nullptr, nv.data(), nv.size(), nullptr)
        == 0;
}

void H2Session::resumeBody(int32_t stream)
{
    nghttp2_session_resume_data(m_session, stream);
}

void H2Session::consume(int32_t stream, size_t bytes)
{
    if (bytes > 0) nghttp2_session_consume(m_session, stream, bytes);
}

void H2Session::reset(int32_t stream, uint32_t errorCode)
{
    nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, stream, errorCode);
}

void H2Session::goAway(uint32_t errorCode)
{
    nghttp2_submit_goaway(m_session, NGHTTP2_FLAG_NONE,
        nghttp2_session_get_last_proc_stream_id(m_session), errorCode, nullptr, 0);
}

bool H2Session::streamOpen(int32_t stream) const
{
    return nghttp2_session_find_stream(m_session, stream) != nullptr;
}

int32_t H2Session::lastPeerStream() const
{
    return nghttp2_session_get_last_proc_stream_id(m_session);
}

int H2Session::onBeginHeaders(nghttp2_session *, const nghttp2_frame *frame, void *self)
{
    if (frame->hd.type == NGHTTP2_HEADERS)
        sessionOf(self).m_events.onBlockBegins(sessionOf(self), frame->hd.stream_id);
    return 0;
}

int H2Session::onHeader(nghttp2_session *, const nghttp2_frame *frame, const uint8_t *name,
    size_t namelen, const uint8_t *value, size_t valuelen, uint8_t, void *self)
{
    if (frame->hd.type != NGHTTP2_HEADERS) return 0; // PUSH_PROMISE: refused by SETTINGS already
    H2Session &s = sessionOf(self);
    return s.m_events.onField(s, frame->hd.stream_id, text(name, namelen), text(value, valuelen))
        ? 0
        : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // resets just this stream
}

int H2Session::onFrameRecv(nghttp2_session *, const nghttp2_frame *frame, void *self)
{
    H2Session &s = sessionOf(self);
    const bool endStream = frame->hd.flags & NGHTTP2_FLAG_END_STREAM;
    switch (frame->hd.type) {
    case NGHTTP2_HEADERS:
        s.m_events.onBlockEnds(s, frame->hd.stream_id, endStream);
        break;
    case NGHTTP2_DATA:
        if (endStream) s.m_events.onDataEnds(s, frame->hd.stream_id);
        break;
    default:
        break;
    }
    return 0;
}

int H2Session::onDataChunk(
    nghttp2_session *, uint8_t, int32_t stream, const uint8_t *data, size_t len, void *self)
{
    H2Session &s = sessionOf(self);
    s.m_events.onData(s, stream, text(data, len));
    return 0;
}

int H2Session::onStreamClose(nghttp2_session *, int32_t stream, uint32_t errorCode, void *self)
{
    H2Session &s = sessionOf(self);
    s.m_events.onClosed(s, stream, errorCode);
    return 0;
}

ssize_t H2Session::readBodyCallback(nghttp2_session *session, int32_t stream, uint8_t *buf,
    size_t length, uint32_t *flags, nghttp2_data_source *, void *self)
{
    H2Session &s = sessionOf(self);
    const H2Events::Body body = s.m_events.readBody(s, stream, buf, length);
    if (body.fail) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    if (body.waiting && body.copied == 0) return NGHTTP2_ERR_DEFERRED;
    if (body.ended) {
        *flags |= NGHTTP2_DATA_FLAG_EOF;
        if (body.trailers && !body.trailers->empty()) {
            const std::vector<nghttp2_nv> nv = nameValues(*body.trailers);
            if (nghttp2_submit_trailer(session, stream, nv.data(), nv.size()) == 0)
                *flags |= NGHTTP2_DATA_FLAG_NO_END_STREAM;
        }
    }
    return ssize_t(body.copied);
}

} // namespace paddock::egress::h2
