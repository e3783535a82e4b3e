// Reading the server name (SNI) from the first bytes a client sends, to
// check that a TLS connection opened for an allowed name asks the server
// for that name and not another one behind the same address (domain
// fronting). The ClientHello may be split over several records; they are
// put back together up to kMaxClientHello bytes.
#pragma once

#include <string>
#include <string_view>

namespace paddock::egress {

inline constexpr size_t kMaxClientHello = 32 * 1024;

struct ClientHelloScan {
    enum class Status {
        NotTls, // the first bytes are not a TLS handshake: nothing to check
        NeedMore, // a TLS handshake has begun; wait for more bytes
        Hello, // a complete ClientHello; serverName set when it has SNI
        Malformed, // TLS, but not a ClientHello we can trust; `problem` says why
    };
    Status status = Status::NeedMore;
    std::string serverName; // lower case
    std::string problem;
};

ClientHelloScan scanClientHello(std::string_view firstBytes);

} // namespace paddock::egress
