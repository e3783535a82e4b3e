// What the splice relay does with the first bytes a sandbox sends on an
// allowed connection, before any of them reaches the upstream:
//
//   bytes that could begin a TLS or SSL record   → TLS: only a well-formed
//       ClientHello passes, and on a connection opened for a name it must
//       name that server (SNI); a literal address needs no SNI
//   anything else, on a port where TLS is usual  → refused
//   anything else, elsewhere                     → plain TCP, passed
//
// Plain C++ (no Qt), so the fuzzer runs it as it is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paddock::egress {

struct FirstFlightRuling {
    enum class Verdict { Pass, NeedMore, Refuse };
    Verdict verdict = Verdict::NeedMore;
    std::string protocol; // "tls" or "tcp", once known
    std::string reason; // with Refuse: what was seen, for the log
};

// Whether `port` is one where a client speaks TLS first (the IANA ports of
// implicit-TLS services); there, nothing but a ClientHello may come first.
bool isTlsPort(uint16_t port);

// `host`: the name the connection was opened for, empty for a literal
// address; `port`: the port the sandbox dialled.
FirstFlightRuling judgeFirstFlight(std::string_view bytes, std::string_view host, uint16_t port);

} // namespace paddock::egress
