// A request as an HTTP/2 stream's HEADERS carry it, checked as the
// HTTP/1.1 gate checks a request line and its Host (http_request_framer.h):
// the path is reduced to its canonical form (http_target.h), the authority
// must name the connection's host, and what the upstream is sent is
// written anew from that: pseudo-headers from the checked values, then
// the client's fields without Host. The rules decide the canonical method
// and path; injection sets fields and query parameters on it.
//
// nghttp2 has already refused what HTTP/2 forbids (upper-case or invalid
// field names, connection-specific fields, a missing or repeated
// pseudo-header); this is what the gate adds.
//
// Plain C++ without Qt: the fuzzer drives it directly.
#pragma once

#include "h2_session.h"

#include "egress/http_host.h"
#include "egress/inject/request_injection.h"

#include <string>
#include <string_view>

namespace paddock::egress::h2 {

// The first of `fields` some servers act on instead of the method or path
// (http_request_framer.h's isOverrideField), as sent; empty: none.
std::string overrideFieldAmong(const H2Fields &fields);

class H2RequestHead : public InjectableRequest {
public:
    // A head larger than this (names and values, HPACK-decoded) resets its stream.
    static constexpr size_t kMaxHeadBytes = 64 * 1024;
    static constexpr size_t kMaxFields = 256;
    // What a field counts against kMaxHeadBytes: HPACK's size of it (RFC 7541 §4.1).
    static size_t fieldBytes(std::string_view name, std::string_view value)
    {
        return name.size() + value.size() + 32;
    }

    // A field as received; false once the head is past its bounds.
    bool add(std::string_view name, std::string_view value);
    // Once the block is whole: empty when it may be decided, else why it is
    // refused (answered 400).
    std::string check(const GateConnection &conn);

    const std::string &method() const { return m_method; }
    // A field frameworks act on instead of the method or path, as sent; empty: none.
    std::string overrideField() const;
    // "GET /path?query" as the rules and the log see it.
    std::string summary() const;
    // What the upstream is sent: pseudo-headers for `conn`, then the fields.
    H2Fields upstreamFields(const GateConnection &conn) const;

    // InjectableRequest
    void setField(const std::string &name, const std::string &value) override;
    void setQueryParameter(const std::string &name, const std::string &encodedValue) override;
    bool takeField(const std::string &name) override;
    const std::vector<std::pair<std::string, std::string>> &fields() const override
    {
        return m_fields;
    }
    const HttpTarget &requestTarget() const override { return m_target; }

private:
    std::string takePseudo(std::string_view name, std::string_view value);

    std::string m_method, m_scheme, m_authority, m_path;
    std::string m_problem; // a pseudo-header that cannot be taken
    HttpTarget m_target;
    H2Fields m_fields; // regular fields, names lower case
    size_t m_bytes = 0;
};

} // namespace paddock::egress::h2
