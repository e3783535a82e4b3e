// libFuzzer entry point for what a sandbox sends the egress interception
// before any rule has decided: DNS queries, the first bytes of a TLS
// connection, and the packets its firewall drops (as paddock-init reads
// them from NFLOG). Every parser must refuse garbage without reading out of
// bounds, and whatever they accept must answer cleanly.
#include "dropped_packets.h"
#include "egress/dns_message.h"
#include "egress/tls_client_hello.h"

#include <cstdint>
#include <string_view>

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
    (void)paddock::egress::scanClientHello(bytes);
    (void)paddock::init::parseDropLogMessages(data, size);
    (void)paddock::init::describeDroppedPacket(data, size);
    return 0;
}
