// libFuzzer entry point for what a sandbox sends the egress interception
// before any rule has decided: DNS queries, the first bytes of a TLS
// connection, and the packets its firewall drops (as paddock-init reads
// them from NFLOG); and what the HTTP gate reads: request targets, request
// heads and bodies, and upstream responses. Every parser must refuse
// garbage without reading out of bounds, and whatever they accept must
// answer cleanly.
//
// The first-flight ruling is also held to its promises: it decides within
// kMaxClientHelloRecords bytes, passes nothing that could begin a TLS
// record unless it is a whole ClientHello, passes nothing but a ClientHello
// on a TLS port, and never passes a ClientHello naming another server.
#include "dropped_packets.h"
#include "egress/dns_message.h"
#include "egress/first_flight.h"
#include "egress/http_request_framer.h"
#include "egress/http_response_framer.h"
#include "egress/http_target.h"
#include "egress/tls_client_hello.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace paddock::egress;

void require(bool condition)
{
    if (!condition)
        std::abort();
}

void judgeAsEveryKindOfConnection(std::string_view bytes)
{
    const ClientHelloScan scan = paddock::egress::scanClientHello(bytes);
    require(scan.status != ClientHelloScan::Status::NeedMore || bytes.size() < paddock::egress::kMaxClientHelloRecords);
    const bool tlsLike = paddock::egress::couldBeginTls(bytes) == paddock::egress::TlsStart::Yes;
    struct Connection {
        std::string_view host;
        uint16_t port;
    };
    for (const Connection c : { Connection { "", 443 }, Connection { "a.test", 443 }, Connection { "a.test", 7 } }) {
        const FirstFlightRuling r = paddock::egress::judgeFirstFlight(bytes, c.host, c.port);
        if (r.verdict != FirstFlightRuling::Verdict::Pass || bytes.empty())
            continue;
        require(scan.status == ClientHelloScan::Status::Hello || (!tlsLike && c.port == 7));
        require(scan.status != ClientHelloScan::Status::Hello || c.host.empty() || scan.serverName == c.host);
    }
}

// A decided path is canonical: no wildcard, nothing to decode differently,
// and normalising it again changes nothing.
void checkTarget(std::string_view bytes)
{
    const HttpTarget t = normalizeOriginForm(bytes);
    (void)canonicalPathPattern(bytes);
    if (!t.ok())
        return;
    require(!t.path.empty() && t.path.front() == '/' && t.path.find('*') == std::string::npos);
    for (char c : t.path)
        require(c > 0x20 && c < 0x7f && c != '?' && c != '#' && c != '\\');
    require(normalizeOriginForm(t.path).path == t.path);
    require(canonicalPathPattern(t.path) == t.path);
}

// What the gate sends upstream reads back as the request it decided.
void checkRequest(std::string_view bytes)
{
    const GateConnection conn { "web.test", false, 80 };
    RequestFramer f;
    std::string in(bytes);
    if (f.readHead(in, conn) != RequestFramer::State::Ready)
        return;
    std::string head = f.upstreamHead(true);
    RequestFramer again;
    require(again.readHead(head, conn) == RequestFramer::State::Ready && head.empty());
    require(again.head().summary() == f.head().summary());
    require(again.head().chunked == f.head().chunked && again.head().contentLength == f.head().contentLength);
    std::string body;
    (void)f.readBody(in, body);
}

void checkResponse(std::string_view bytes)
{
    for (ResponseExpectation e : { ResponseExpectation {}, ResponseExpectation { true, false, false },
                                   ResponseExpectation { false, true, true } }) {
        ResponseFramer f(e);
        std::string in(bytes), out;
        const size_t size = in.size();
        if (f.read(in, out) == ResponseFramer::State::NeedMore)
            (void)f.readEof();
        require(in.size() + out.size() <= size); // relays only what it read
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
    checkTarget(bytes);
    checkRequest(bytes);
    checkResponse(bytes);
    return 0;
}
