// One side of an HTTP/2 connection the H2 gate relays (h2_gate.h), as
// nghttp2 sees it: bytes in, bytes out, and what happened on which stream
// told to the gate. No socket here: the gate reads and writes them.
//
//   Server: the sandbox's side; it opens streams, Paddock answers them.
//   Client: the upstream's side; Paddock opens a stream per request.
//
// nghttp2 frames, checks and keeps HTTP/2's rules (the field characters,
// pseudo-headers, connection-specific fields, content-length against DATA,
// SETTINGS and PING floods, rapid resets). Windows are opened only when the
// gate says the bytes went on (consume), so the peer sends no faster than
// the other side takes: flow control end to end, and a bounded buffer.
//
// Thread ownership: the gate's (the engine thread).
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paddock::egress {

class ByteQueue;

namespace h2 {

// Header fields in order, names lower case; pseudo-headers first.
using H2Fields = std::vector<std::pair<std::string, std::string>>;

class H2Session;

// What a session's peer did, as it happens (inside H2Session::receive,
// or inside produce for bodies).
class H2Events {
public:
    virtual ~H2Events() = default;
    // A header block begins on `stream` (a request's, a response's, trailers).
    virtual void onBlockBegins(H2Session &s, int32_t stream) = 0;
    // One field of it; false resets the stream (too large, say).
    virtual bool onField(
        H2Session &s, int32_t stream, std::string_view name, std::string_view value)
        = 0;
    // The block is whole; `endStream`: nothing follows on the stream.
    virtual void onBlockEnds(H2Session &s, int32_t stream, bool endStream) = 0;
    virtual void onData(H2Session &s, int32_t stream, std::string_view bytes) = 0;
    // The peer's half ended with a DATA frame.
    virtual void onDataEnds(H2Session &s, int32_t stream) = 0;
    // The stream is gone (NGHTTP2_NO_ERROR when it ended well).
    virtual void onClosed(H2Session &s, int32_t stream, uint32_t errorCode) = 0;

    struct Body {
        size_t copied = 0;
        bool waiting = false; // nothing to send now; resumeBody() once there is
        bool ended = false; // the last bytes of the body
        const H2Fields *trailers = nullptr; // sent after it, when it ended
        bool fail = false; // the stream is reset instead
    };
    // The next bytes of a body Paddock sends on `stream`, copied into `out`.
    virtual Body readBody(H2Session &s, int32_t stream, uint8_t *out, size_t room) = 0;
};

class H2Session {
public:
    enum class Role { Server, Client };

    // Per stream and per connection, what a peer may send before the gate
    // has passed it on: the most either side of one connection holds.
    static constexpr int32_t kStreamWindow = 256 << 10;
    static constexpr int32_t kConnectionWindow = 1 << 20;
    static constexpr uint32_t kMaxConcurrentStreams = 100;

    H2Session(Role role, H2Events &events);
    ~H2Session();
    H2Session(const H2Session &) = delete;
    H2Session &operator=(const H2Session &) = delete;

    Role role() const { return m_role; }
    // False with `error` set when the peer broke the protocol: the session is over.
    bool receive(std::string_view bytes, std::string &error);
    // Appends frames to `out` while it holds less than `limit`; false with
    // `error` set when the session failed.
    bool produce(ByteQueue &out, size_t limit, std::string &error);
    // Neither side has anything more to say (GOAWAY done, or broken).
    bool over() const;
    bool wantsRead() const;

    // Client: a new stream for a request; its ID, or a negative nghttp2 error.
    int32_t submitRequest(const H2Fields &fields, bool hasBody);
    // Server: the final response on `stream`; a 1xx with `informational`.
    bool submitResponse(int32_t stream, const H2Fields &fields, bool hasBody);
    bool submitInformational(int32_t stream, const H2Fields &fields);
    // A body that returned `waiting` has more to send.
    void resumeBody(int32_t stream);
    // `bytes` of `stream`'s DATA went on: the peer may send that many more.
    void consume(int32_t stream, size_t bytes);
    void reset(int32_t stream, uint32_t errorCode);
    // No new streams: the peer is told the last one that will be answered.
    void goAway(uint32_t errorCode);
    bool streamOpen(int32_t stream) const;
    // Server: the highest stream ID the peer opened.
    int32_t lastPeerStream() const;

private:
    static int onBeginHeaders(nghttp2_session *, const nghttp2_frame *, void *self);
    static int onHeader(nghttp2_session *, const nghttp2_frame *, const uint8_t *name,
        size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags, void *self);
    static int onFrameRecv(nghttp2_session *, const nghttp2_frame *, void *self);
    static int onDataChunk(nghttp2_session *, uint8_t flags, int32_t stream, const uint8_t *data,
        size_t len, void *self);
    static int onStreamClose(nghttp2_session *, int32_t stream, uint32_t errorCode, void *self);
    static ssize_t readBodyCallback(nghttp2_session *, int32_t stream, uint8_t *buf, size_t length,
        uint32_t *flags, nghttp2_data_source *, void *self);
    void sendSettings();

    Role m_role;
    H2Events &m_events;
    nghttp2_session *m_session = nullptr;
};

} // namespace h2
} // namespace paddock::egress
