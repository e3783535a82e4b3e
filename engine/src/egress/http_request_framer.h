// One plain-HTTP request on its way through the gate: its head is read
// (Boost.Beast) and checked, and what the upstream receives is written
// here, never copied from the client.
//
// The upstream gets a head re-serialised from the parsed one — the method,
// the canonical target (http_target.h), the Host the connection was opened
// for, the client's end-to-end fields — and a body framed by us: the
// client's Content-Length, or chunks we encode from the decoded body. So
// the framing the upstream sees is the framing the gate decided on;
// conflicting or odd framing (both Transfer-Encoding and Content-Length, a
// coding other than chunked) is refused, never passed on for the upstream
// to read its own way. A request with a body is sent `Connection: close`:
// an upstream that ignores a GET's body (CL.0 desync) would read that body
// as a second request, and closing after the response means it never does.
//
// Plain C++ without Qt: the fuzzer drives it directly.
#pragma once

#include "http_host.h"
#include "http_target.h"
#include "inject/request_injection.h"

#include <boost/beast/http.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paddock::egress {

struct HttpRefusal {
    unsigned status = 400; // 400: cannot be read safely; 403: refused
    std::string reason;
};

struct RequestHead {
    std::string method; // as sent
    unsigned version = 11; // 10 or 11
    std::string
        printableTarget; // as sent, every byte outside '!'..'~' written %XX: for logging a refusal
    HttpTarget target; // origin-form, normalised; for CONNECT the authority is in `authority`
    bool connect = false;
    std::string authority; // CONNECT's "host:port", canonical
    std::optional<uint64_t> contentLength;
    bool chunked = false;
    bool keepAlive = true; // what the client asked for
    bool websocket = false; // asks to upgrade to WebSocket (the one upgrade forwarded)
    // A field some servers act on instead of the method or target
    // (X-HTTP-Method-Override, X-Original-URL…), as sent; empty: none.
    std::string overrideField;

    bool hasBody() const { return chunked || contentLength.value_or(0) > 0; }
    // "GET /a/b" (canonical path, no query), "CONNECT host:443": as logged
    // and asked about; before the target is accepted, the printable one.
    std::string summary() const
    {
        return method + ' '
            + (!authority.empty()                         ? authority
                    : target.ok() && !target.path.empty() ? target.path
                                                          : printableTarget);
    }
};

// Whether a field (its lower-case name) is one some servers act on
// instead of the method or the request-target.
bool isOverrideField(std::string_view lowerCaseName);
// At most 2000 bytes of `text`, every byte outside '!'..'~' written %XX: for logs.
std::string printableText(std::string_view text);

class RequestFramer : public InjectableRequest {
public:
    enum class State { NeedMore, Ready, Refused };

    RequestFramer();
    ~RequestFramer() override;
    RequestFramer(const RequestFramer &) = delete;
    RequestFramer &operator=(const RequestFramer &) = delete;

    // Reads a request head from the start of `in`: Ready takes the head's
    // bytes out of `in`; NeedMore takes nothing; Refused says why in refusal().
    State readHead(std::string &in, const GateConnection &conn);
    const RequestHead &head() const { return m_head; }
    const HttpRefusal &refusal() const { return m_refusal; }

    // The head the upstream is sent once the request is allowed. A WebSocket
    // upgrade is offered only when `offerUpgrade` (and the request has no body).
    std::string upstreamHead(bool offerUpgrade) const;
    // Injection (inject/request_injection.h), after the request is allowed:
    // sets a field, replacing every one of that name the client sent; sets
    // a query parameter, replacing every one of that (decoded) name.
    void setField(const std::string &name, const std::string &value) override;
    void setQueryParameter(const std::string &name, const std::string &encodedValue) override;
    // The end-to-end fields the upstream gets, in order (for the log).
    const std::vector<std::pair<std::string, std::string>> &fields() const override { return m_fields; }
    const HttpTarget &requestTarget() const override { return m_head.target; }
    // Whether the client sent a field of that name (any case), and takes it out.
    bool takeField(const std::string &name) override;
    // A handler's request (handler/handler_verdict.h) in place of the
    // client's, once its body was read whole: the body goes as
    // Content-Length `bodyLength`, and the Host stays the connection's.
    void rewrite(std::string method, HttpTarget target, std::vector<std::pair<std::string, std::string>> fields,
        size_t bodyLength);
    // Whether the upstream connection ends after this request's response.
    bool closesUpstream() const { return m_head.hasBody() || !m_head.keepAlive; }

    // Moves what `in` holds of the body into `out`, framed for the upstream.
    // False when the body is malformed (refusal() says why).
    bool readBody(std::string &in, std::string &out) { return readBodyInto(in, out, true); }
    // The same, but `out` gets the body as it is meant (chunks decoded):
    // for a handler, which is given the body whole.
    bool readBodyDecoded(std::string &in, std::string &out) { return readBodyInto(in, out, false); }
    bool bodyDone() const;

private:
    using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

    State refuse(unsigned status, std::string reason);
    std::optional<HttpRefusal> checkFraming(const Parser::value_type &req) const;
    std::optional<HttpRefusal> checkHost(const Parser::value_type &req, const GateConnection &conn);
    void keepFields(const Parser::value_type &req);
    bool readBodyInto(std::string &in, std::string &out, bool frame);

    std::optional<Parser> m_parser;
    RequestHead m_head;
    HttpRefusal m_refusal;
    std::string m_host; // the Host value the upstream gets
    std::vector<std::pair<std::string, std::string>> m_fields; // end-to-end fields, in order
    bool m_lastChunkWritten = false;
};

} // namespace paddock::egress
