#include "first_flight.h"

#include "tls_client_hello.h"

#include <algorithm>
#include <cstdio>

namespace paddock::egress {

namespace {

// Ports the IANA service registry gives to implicit-TLS services, where a
// client's first bytes are a ClientHello and nothing else is expected.
constexpr uint16_t kTlsPorts[] = {
    443, // https (RFC 9110)
    465, // submissions (RFC 8314)
    563, // nntps (RFC 4642)
    636, // ldaps
    853, // domain-s: DNS over TLS (RFC 7858)
    989, 990, // ftps-data, ftps (RFC 4217)
    992, // telnets
    993, // imaps (RFC 8314)
    995, // pop3s (RFC 8314)
    2376, // docker-s: the Docker API over TLS
    3269, // msft-gc-ssl: LDAP global catalog over TLS
    5061, // sips (RFC 3261)
    5671, // amqps
    5986, // wsmans: WS-Management over HTTPS
    6443, // sun-sr-https, and by convention the Kubernetes API
    6697, // ircs-u (RFC 7194)
    8443, // pcsync-https, the usual alternative HTTPS port
    8883, // secure-mqtt
    9443, // tungsten-https, another usual alternative HTTPS port
};
constexpr size_t kPreviewBytes = 8;

// The first bytes in hex, for a reason in the log: they are the sandbox's,
// so never as text.
std::string preview(std::string_view bytes)
{
    std::string out;
    for (size_t i = 0; i < std::min(bytes.size(), kPreviewBytes); ++i) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%s%02x", i ? " " : "", unsigned(uint8_t(bytes[i])));
        out += buf;
    }
    return bytes.size() > kPreviewBytes ? out + " …" : out;
}

using Verdict = FirstFlightRuling::Verdict;

FirstFlightRuling refuse(std::string protocol, std::string reason)
{
    return { Verdict::Refuse, std::move(protocol), std::move(reason) };
}

} // namespace

bool isTlsPort(uint16_t port) { return std::find(std::begin(kTlsPorts), std::end(kTlsPorts), port) != std::end(kTlsPorts); }

FirstFlightRuling judgeFirstFlight(std::string_view bytes, std::string_view host, uint16_t port)
{
    const ClientHelloScan scan = scanClientHello(bytes);
    switch (scan.status) {
    case ClientHelloScan::Status::NotTls:
        if (!isTlsPort(port))
            return { Verdict::Pass, "tcp", {} };
        return refuse("tcp", "port " + std::to_string(port) + " is a TLS port, and the first bytes (" + preview(bytes)
                                 + ") are not a TLS ClientHello");
    case ClientHelloScan::Status::NeedMore: return {};
    case ClientHelloScan::Status::Malformed:
        return refuse("tls", scan.problem + ": refused (a TLS connection must open with a well-formed ClientHello)");
    case ClientHelloScan::Status::Hello: break;
    }
    if (host.empty())
        return { Verdict::Pass, "tls", {} };
    if (scan.serverName.empty())
        return refuse("tls", "TLS ClientHello names no server (SNI) on a connection opened for " + std::string(host));
    if (scan.serverName != host)
        return refuse("tls", "TLS server name '" + scan.serverName + "' differs from '" + std::string(host)
                          + "', the name the connection was opened for (domain fronting)");
    return { Verdict::Pass, "tls", {} };
}

} // namespace paddock::egress
