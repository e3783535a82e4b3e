// The upstream's answer to the one request the gate has in flight, read
// (Boost.Beast) so the gate knows where it ends: interim 1xx answers, then
// exactly one final response — a HEAD's without a body, 204/304 without
// one, a body framed by length, by chunks, or by the upstream closing.
// Its bytes are relayed as the upstream sent them; what follows the end is
// not this response, and the gate drops it.
//
// Given a redactor (inject/secret_redactor.h), everything relayed goes
// through it, and a chunked body is framed anew: its chunks decoded, the
// payload masked as one stream, and sent as chunks of Paddock's own — a
// value split by the upstream's chunk framing (which the sandbox can steer
// by padding what an upstream echoes) is masked whole. Trailers are masked
// like fields.
//
// A switch of protocols is honoured only when it was asked for: a 101 to
// the WebSocket upgrade the gate forwarded, or a 2xx to an allowed
// CONNECT. Any other 101 is refused — the bytes after it would be a tunnel
// nobody decided.
//
// Plain C++ without Qt: the fuzzer drives it directly.
#pragma once

#include "inject/secret_redactor.h"

#include <boost/beast/http.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paddock::egress {

struct ResponseExpectation {
    bool head = false; // answers a HEAD: no body whatever the fields say
    bool connect = false; // answers a CONNECT: a 2xx opens a tunnel
    bool websocket = false; // a WebSocket upgrade was offered: a 101 to it opens a tunnel
};

class ResponseFramer {
public:
    enum class State {
        NeedMore, // the final response has not ended
        Complete, // it has; bytes left in `in` are not part of it
        Tunnel, // switched protocols as asked: what is left in `in` is tunnel data
        Refused, // malformed, an unasked-for switch, or cut short: problem() says which
    };

    // `redactor` (may be null) outlives the framer.
    explicit ResponseFramer(ResponseExpectation expect, SecretRedactor *redactor = nullptr);
    ~ResponseFramer();
    ResponseFramer(const ResponseFramer &) = delete;
    ResponseFramer &operator=(const ResponseFramer &) = delete;

    // Moves the bytes of this response from the start of `in` to `out`.
    State read(std::string &in, std::string &out);
    // The upstream closed: the end of a body framed by the close, else a cut.
    State readEof();

    bool started() const { return m_started; } // some of it was relayed
    // Of the final response (or the 101), once its head is in; 0 before.
    unsigned status() const { return m_status; }
    // Whether the upstream keeps the connection open after this response.
    bool keepAlive() const;
    // Whether the body ended with the upstream's close: the client learns
    // where it ends only from the gate closing its connection too.
    bool endedByClose() const { return m_endedByClose; }
    const std::string &problem() const { return m_problem; }
    using Fields = std::vector<std::pair<std::string, std::string>>;
    // The final response's (or the 101's) fields, once, when its head is in.
    std::optional<Fields> takeHeadFields() { return std::exchange(m_headFields, std::nullopt); }

private:
    using Parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

    void newParser();
    std::optional<State> onHead();
    State refuse(std::string problem);
    // What is relayed, through the redactor when there is one.
    void emit(std::string_view bytes, std::string &out);
    // A chunked body framed anew (m_rechunk): decoded, masked, chunked again.
    bool readRechunked(std::string &in, std::string &out, boost::beast::error_code &ec);
    void endRechunked(std::string &out);

    ResponseExpectation m_expect;
    SecretRedactor *m_redactor;
    bool m_rechunk = false; // the body is chunked and masked: framed anew
    size_t m_headFieldCount = 0; // fields past these, once the body ended, are trailers
    std::optional<Parser> m_parser;
    unsigned m_status = 0;
    bool m_started = false;
    bool m_done = false;
    std::optional<uint64_t> m_bodyLeft; // a body framed by Content-Length: what is still to come
    bool m_endedByClose = false;
    std::string m_problem;
    std::optional<Fields> m_headFields;
};

// Whether a Content-Encoding (or Transfer-Encoding) value names a coding
// other than identity and chunked: a body the redactor cannot read. The
// gates ask for identity on an injected request, and refuse an answer
// that comes compressed anyway rather than pass a secret on unmasked.
bool namesUnreadableCoding(std::string_view codings);

} // namespace paddock::egress
