// libFuzzer entry point for what a sandbox sends the egress interception
// before any rule has decided: DNS queries, the first bytes of a TLS
// connection, and the packets its firewall drops (as paddock-init reads
// them from NFLOG). Every parser must refuse garbage without reading out of
// bounds, and whatever they accept must answer cleanly.
//
// The first-flight ruling is also held to its promises: it decides within
// kMaxClientHelloRecords bytes, passes nothing that could begin a TLS
// record unless it is a whole ClientHello, passes nothing but a ClientHello
// on a TLS port, and never passes a ClientHello naming another server.
#include "dropped_packets.h"
#include "egress/dns_message.h"
#include "egress/first_flight.h"
#include "egress/tls_client_hello.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using paddock::egress::ClientHelloScan;
using paddock::egress::FirstFlightRuling;

void check(bool promise)
{
    if (!promise)
        std::abort();
}

void judgeAsEveryKindOfConnection(std::string_view bytes)
{
    const ClientHelloScan scan = paddock::egress::scanClientHello(bytes);
    check(scan.status != ClientHelloScan::Status::NeedMore || bytes.size() < paddock::egress::kMaxClientHelloRecords);
    const bool tlsLike = paddock::egress::couldBeginTls(bytes) == paddock::egress::TlsStart::Yes;
    struct Connection {
        std::string_view host;
        uint16_t port;
    };
    for (const Connection c : { Connection { "", 443 }, Connection { "a.test", 443 }, Connection { "a.test", 7 } }) {
        const FirstFlightRuling r = paddock::egress::judgeFirstFlight(bytes, c.host, c.port);
        if (r.verdict != FirstFlightRuling::Verdict::Pass || bytes.empty())
            continue;
        check(scan.status == ClientHelloScan::Status::Hello || (!tlsLike && c.port == 7));
        check(scan.status != ClientHelloScan::Status::Hello || c.host.empty() || scan.serverName == c.host);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const paddock::egress::DnsParse dns = paddock::egress::parseDnsQuery(bytes);
    if (dns.status == paddock::egress::DnsParse::Status::Query) {
        (void)paddock::egress::dnsAddressAnswer(dns.query, 0xc6120001, 60);
        (void)paddock::egress::dnsPointerAnswer(dns.query, dns.query.name, 60);
    } else if (dns.status == paddock::egress::DnsParse::Status::Malformed) {
        (void)paddock::egress::dnsEmptyAnswer(dns.query, dns.rcode);
    }
    judgeAsEveryKindOfConnection(bytes);
    (void)paddock::init::parseDropLogMessages(data, size);
    (void)paddock::init::describeDroppedPacket(data, size);
    return 0;
}
