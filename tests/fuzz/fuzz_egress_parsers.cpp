// libFuzzer entry point for what a sandbox sends the egress interception
// before any rule has decided: DNS queries, the first bytes of a TLS
// connection, and the packets its firewall drops (as paddock-init reads
// them from NFLOG); and what the HTTP gate reads: request targets, request
// heads and bodies, and upstream responses. Every parser must refuse
// garbage without reading out of bounds, and whatever they accept must
// answer cleanly.
//
// Credential injection is held to its own: a template either parses or
// says why; an injected request still reads back as one request (no value
// splits its head); the redactor keeps every byte's place and leaves no
// masked value behind, however the stream is cut.
//
// A handler's result (what a user's script returned, read by the engine)
// is accepted only in a shape the gate can send safely: a request built
// from it still reads back as one request to the same host, an answer
// has a status the client can read. So is the helper's framing.
//
// HTTP/2 as the H2 gate reads a sandbox's connection: whatever frames
// arrive (after the client preface, which is prepended), every request
// head it would send on reads back as the canonical path on the
// connection's own host, with no Host field beside :authority.
//
// The first-flight ruling is also held to its promises: it decides within
// kMaxClientHelloRecords bytes, passes nothing that could begin a TLS
// record unless it is a whole ClientHello, passes nothing but a ClientHello
// on a TLS port, and never passes a ClientHello naming another server.
#include "dropped_packets.h"
#include "egress/dns_message.h"
#include "egress/first_flight.h"
#include "egress/h2/h2_request_head.h"
#include "egress/h2/h2_session.h"
#include "egress/byte_queue.h"
#include "egress/http_request_framer.h"
#include "egress/http_response_framer.h"
#include "egress/handler/handler_verdict.h"
#include "egress/handler/handler_wire.h"
#include "egress/http_target.h"
#include "egress/inject/placeholder_scanner.h"
#include "egress/inject/request_injection.h"
#include "egress/inject/secret_redactor.h"
#include "egress/inject/secret_template.h"
#include "egress/tls_client_hello.h"

#include <QJsonDocument>

#include <algorithm>
#include <map>
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
    // Masking: a chunked body is framed anew, fed in two pieces as it may come.
    SecretRedactor redactor;
    redactor.addValue("S3cr3tV4lu3");
    ResponseFramer f(ResponseExpectation {}, &redactor);
    std::string in(bytes.substr(0, bytes.size() / 2)), out;
    (void)f.read(in, out);
    in.append(bytes.substr(bytes.size() / 2));
    if (f.read(in, out) == ResponseFramer::State::Complete) {
        redactor.flush(out);
        require(out.find("S3cr3tV4lu3") == std::string::npos); // never relayed whole
    }
}

void checkTemplate(std::string_view bytes)
{
    std::string error;
    auto t = SecretTemplate::parse(bytes, &error);
    require(t.has_value() != !error.empty());
    if (!t)
        return;
    std::string rebuilt = t->render([](const std::string &name) { return "{{secret." + name + "}}"; });
    require(SecretTemplate::parse(rebuilt, &error).has_value());
    for (const std::string &name : t->secretNames())
        require(isSecretName(name));
}

// The bytes as a template for a header and a query parameter, its secrets
// all worth the same value: what goes upstream is one request, as decided.
void checkInjection(std::string_view bytes)
{
    const GateConnection conn { "web.test", false, 443, 443 };
    std::string raw = "GET /a?b=c HTTP/1.1\r\nHost: web.test\r\nX-Key: forged\r\n\r\n";
    RequestFramer f;
    require(f.readHead(raw, conn) == RequestFramer::State::Ready);
    auto t = SecretTemplate::parse(bytes, nullptr);
    std::map<std::string, std::string> values;
    if (t)
        for (const std::string &name : t->secretNames())
            values[name] = std::string(bytes.substr(0, 40));
    const InjectionOutcome out = applyInjections(f, { { false, "X-Key", std::string(bytes) }, { true, "key", std::string(bytes) } }, values);
    if (!out.problem.empty())
        return;
    std::string head = f.upstreamHead(false);
    RequestFramer again;
    require(again.readHead(head, conn) == RequestFramer::State::Ready && head.empty());
    require(again.head().summary() == "GET /a");
}

// First byte: the value's length; the rest: the stream, fed in pieces
// whose sizes come from the value's bytes.
void checkRedactor(std::string_view bytes)
{
    if (bytes.empty())
        return;
    const size_t length = std::min<size_t>(uint8_t(bytes[0]) % 64, bytes.size() - 1);
    const std::string value(bytes.substr(1, length));
    const std::string_view stream = bytes.substr(1);
    SecretRedactor r;
    r.addValue(value);
    std::string out;
    size_t at = 0, piece = 0;
    while (at < stream.size()) {
        const size_t n = std::min(stream.size() - at, size_t(value.empty() ? 7 : 1 + uint8_t(value[piece++ % value.size()]) % 17));
        r.feed(stream.substr(at, n), out);
        require(r.held() <= r.mostHeld() && r.mostHeld() < std::max<size_t>(6 * value.size(), 1));
        at += n;
    }
    r.flush(out);
    require(out.size() == stream.size());
    if (value.size() >= SecretRedactor::kMinLength && value.find('*') == std::string::npos)
        require(out.find(value) == std::string::npos);
}

// Hits are in order, apart, and each is a placeholder on its own.
void checkPlaceholders(std::string_view bytes)
{
    size_t after = 0;
    for (const PlaceholderHit &hit : findPlaceholders(bytes)) {
        require(hit.offset >= after && hit.offset + hit.length <= bytes.size());
        const std::string_view found = bytes.substr(hit.offset, hit.length);
        const std::vector<PlaceholderHit> alone = findPlaceholders(found);
        require(alone.size() == 1 && alone[0].offset == 0 && alone[0].length == found.size());
        require(isSecretName(hit.secretName));
        after = hit.offset + hit.length;
    }
}

} // namespace

void checkHandlerVerdict(std::string_view bytes)
{
    HandlerFrameReader frames;
    frames.append(QByteArray(bytes.data(), qsizetype(bytes.size())));
    for (int i = 0; i < 8; ++i) {
        auto message = frames.next();
        if (!message || !*message)
            break;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(bytes.data(), qsizetype(bytes.size())));
    if (!doc.isObject())
        return;
    auto verdict = readHandlerVerdict(doc.object(), HandlerOrigin { "web.test", 443 });
    if (!verdict)
        return;
    require(qsizetype(verdict->body.size()) <= kMaxHandlerBody);
    if (verdict->kind == HandlerVerdict::Kind::Respond)
        require(verdict->status >= 200 && verdict->status <= 599);
    if (verdict->kind != HandlerVerdict::Kind::Send)
        return;
    require(verdict->target.starts_with('/') && !verdict->method.empty());
    HttpTarget target = normalizeOriginForm(verdict->target);
    if (!target.ok())
        return; // the gate denies it
    const GateConnection conn { "web.test", false, 443, 443 };
    std::string raw = "POST /a HTTP/1.1\r\nHost: web.test\r\nContent-Length: 0\r\n\r\n";
    RequestFramer f;
    require(f.readHead(raw, conn) == RequestFramer::State::Ready);
    f.rewrite(verdict->method, target, verdict->fields, verdict->body.size());
    std::string sent = f.upstreamHead(false) + verdict->body;
    RequestFramer again;
    require(again.readHead(sent, conn) == RequestFramer::State::Ready);
    require(again.head().method == verdict->method);
    std::string body;
    require(again.readBody(sent, body) && again.bodyDone() && sent.empty() && body == verdict->body);
}

// Builds each stream's head as the gate does, and checks what it would send.
struct HeadChecker : h2::H2Events {
    std::map<int32_t, h2::H2RequestHead> heads;
    void onBlockBegins(h2::H2Session &, int32_t) override { }
    bool onField(h2::H2Session &, int32_t s, std::string_view n, std::string_view v) override
    {
        return heads[s].add(n, v);
    }
    void onBlockEnds(h2::H2Session &, int32_t s, bool) override
    {
        const GateConnection conn { "web.test", false, 443, 443 };
        h2::H2RequestHead &head = heads[s];
        if (!head.check(conn).empty()) return;
        const h2::H2Fields up = head.upstreamFields(conn);
        require(up.size() >= 4 && up[0].first == ":method" && up[2].second == "web.test");
        const std::string &path = up[3].second;
        require(path.starts_with('/'));
        require(normalizeOriginForm(path).encoded() == path);
        for (size_t i = 4; i < up.size(); ++i)
            require(up[i].first != "host" && !up[i].first.starts_with(':'));
    }
    void onData(h2::H2Session &, int32_t, std::string_view) override { }
    void onDataEnds(h2::H2Session &, int32_t) override { }
    void onClosed(h2::H2Session &, int32_t s, uint32_t) override { heads.erase(s); }
    Body readBody(h2::H2Session &, int32_t, uint8_t *, size_t) override { return Body { 0, false, true, nullptr }; }
};

void checkHttp2(std::string_view bytes)
{
    HeadChecker events;
    h2::H2Session session(h2::H2Session::Role::Server, events);
    std::string error;
    if (!session.receive(std::string_view(NGHTTP2_CLIENT_MAGIC, NGHTTP2_CLIENT_MAGIC_LEN), error)) std::abort();
    if (!session.receive(bytes, error)) return;
    ByteQueue out;
    (void)session.produce(out, 1 << 20, error);
}

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
    checkTemplate(bytes);
    checkInjection(bytes);
    checkRedactor(bytes);
    checkPlaceholders(bytes);
    checkHandlerVerdict(bytes);
    checkHttp2(bytes);
    return 0;
}
