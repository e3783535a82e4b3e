// Reading the server name (SNI) from the first bytes a client sends, to
// check that a TLS connection opened for an allowed name asks the server
// for that name and not another one behind the same address (domain
// fronting). The ClientHello may be split over several records; they are
// put back together up to kMaxClientHello bytes.
//
// Strict on purpose: TLS servers differ in what they tolerate before the
// ClientHello (Go's skips warning alerts and takes any record version
// below 0x1000 on the first record; OpenSSL and Java take an SSLv2-format
// hello). Whatever one of them could take for the start of a TLS or SSL
// connection is judged as TLS here, and only a well-formed ClientHello in
// handshake records of version 0x0300–0x0304 is one: anything else is
// Malformed, never NotTls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paddock::egress {

inline constexpr size_t kMaxClientHello = 32 * 1024;
// The most bytes of records (headers included) a ClientHello may be spread
// over. The scanner decides within this many bytes, so whoever holds them
// for it never has to pass on bytes it has not decided.
inline constexpr size_t kMaxClientHelloRecords = kMaxClientHello + 1024;

struct ClientHelloScan {
    enum class Status {
        NotTls, // the first bytes cannot begin a TLS or SSL connection
        NeedMore, // a TLS record has begun; wait for more bytes
        Hello, // a complete ClientHello; serverName set when it has SNI
        Malformed, // could be TLS, but not a ClientHello we can trust; `problem` says what was seen
    };
    Status status = Status::NeedMore;
    std::string serverName; // lower case, without a trailing dot
    // Its ALPN list names "h2". Read for what to offer, never to decide:
    // a malformed list leaves it false and is for the TLS stack to refuse.
    bool offersHttp2 = false;
    std::string problem;
};

// Whether a lenient TLS or SSL implementation could take `firstBytes` for
// the start of a connection: a TLS content type with a version byte one
// accepts, or an SSLv2 header with the CLIENT-HELLO type. NeedMore while
// there are fewer bytes than it takes to tell (at most 3).
enum class TlsStart { No, Yes, NeedMore };
TlsStart couldBeginTls(std::string_view firstBytes);

ClientHelloScan scanClientHello(std::string_view firstBytes);

} // namespace paddock::egress
