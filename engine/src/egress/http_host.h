// Which host a plain-HTTP request names (its Host field, or a CONNECT's
// target) and whether that is the host its connection was opened for.
//
// The connection is decided by the name the sandbox resolved; a Host naming
// another server behind the same address (virtual hosting) would reach
// what no rule allowed. Names compare case-insensitively, addresses by
// value ("[2001:DB8::1]" is "[2001:db8::1]"); a missing port means 80.
//
// Plain C++ without Qt: the fuzzer compiles it in directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paddock::egress {

// The connection a request came on: what its Host must name.
struct GateConnection {
    std::string host; // the lower-case name, or the literal address ("10.0.0.5", "2001:db8::1")
    bool hostIsAddress = false;
    uint16_t port = 80;
    uint16_t defaultPort = 80; // what a Host without a port means: 443 for HTTPS Paddock inspects
};

struct Authority {
    std::string host; // as written, without brackets
    std::optional<uint16_t> port;
};

// "name", "name:port", "1.2.3.4:80", "[v6]:port"; nothing else (no
// userinfo, no empty port, no trailing garbage).
std::optional<Authority> parseAuthority(std::string_view text);

// Empty when `a` names the connection's host and port; else why not.
std::string authorityMismatch(const Authority &a, const GateConnection &conn);

// "web.test", "web.test:8080", "[2001:db8::1]:81": the Host the upstream is
// sent (the port only when it is not 80, or always with `withPort`).
std::string hostFieldFor(const GateConnection &conn, bool withPort = false);

} // namespace paddock::egress
