#include "tls_client_hello.h"

#include <cstdio>

namespace paddock::egress {

namespace {

constexpr uint8_t kHandshakeRecord = 0x16;
constexpr uint8_t kClientHello = 1;
constexpr uint16_t kServerNameExtension = 0;
constexpr uint8_t kHostName = 0;
constexpr uint16_t kAlpnExtension = 16;
constexpr size_t kMaxRecord = 16384 + 2048; // TLS 1.2 allows compression/cipher expansion
constexpr size_t kRecordHeader = 5;
constexpr const char *kSpreadTooFar = "ClientHello spread over more than 33 KiB of records";
// Record-layer versions: SSL 3.0 (0x0300) to TLS 1.3's 0x0304 (RFC 8446
// §5.1 keeps 0x0301/0x0303 on the wire; 0x0300 is still sent by old
// clients' first record). Go's server takes anything below 0x1000 on the
// first record, so every other value must be refused here, not passed.
constexpr uint16_t kLowestRecordVersion = 0x0300;
constexpr uint16_t kHighestRecordVersion = 0x0304;
// SSL 2.0's two-byte record header sets the top bit of the first byte, and
// its first message is a CLIENT-HELLO (type 1, the third byte): OpenSSL,
// Java and NSS take such a hello (which cannot carry SNI) exactly when
// they see both. A top bit alone is as often a little-endian length
// (MySQL, MongoDB), which must not be refused for looking like SSL.
constexpr uint8_t kSslV2HeaderBit = 0x80;
constexpr uint8_t kSslV2ClientHello = 1;
// The loosest first-record check there is: Go's takes an alert or a
// handshake record of any version below 0x1000. Every other stack wants
// version 3.x, and none takes another record type first; those count as
// TLS only with a 3.x version, so that plain bytes pass.
constexpr uint8_t kGoLowestRejectedMajor = 0x10;
constexpr uint8_t kAlertRecord = 0x15;

// The IANA "TLS ContentType" registry (20–26): a TLS stack may take any of
// them, first, for the start of a record.
struct ContentType {
    uint8_t type;
    const char *name;
};
constexpr ContentType kContentTypes[] = {
    { 0x14, "change_cipher_spec" }, { 0x15, "alert" }, { 0x16, "handshake" }, { 0x17, "application_data" },
    { 0x18, "heartbeat" },          { 0x19, "tls12_cid" }, { 0x1a, "ack" },
};

const char *contentTypeName(uint8_t type)
{
    for (const ContentType &t : kContentTypes)
        if (t.type == type)
            return t.name;
    return nullptr;
}

std::string hex(unsigned value, int digits)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%0*x", digits, value);
    return buf;
}

// What is wrong with the (possibly partial) record header that starts
// `header`, judged on the bytes there are; empty when nothing is yet.
std::string headerProblem(std::string_view header, bool first)
{
    if (header.empty())
        return {};
    const uint8_t type = uint8_t(header[0]);
    if (type != kHandshakeRecord) {
        const char *name = contentTypeName(type);
        if (first && (type & kSslV2HeaderBit))
            return "SSLv2-format ClientHello (first byte " + hex(type, 2) + ", message type 1): SSL 2.0 hellos are not accepted";
        if (first && name)
            return std::string("TLS ") + name + " record before the ClientHello";
        return name ? std::string("ClientHello interrupted by a TLS ") + name + " record"
                    : "ClientHello interrupted by bytes that are not a TLS record (" + hex(type, 2) + ")";
    }
    if (header.size() < 3)
        return header.size() == 2 && uint8_t(header[1]) != kLowestRecordVersion >> 8
            ? "TLS record version " + hex(unsigned(uint8_t(header[1])) << 8, 4) + "… (TLS uses 0x0300–0x0304)"
            : std::string();
    const unsigned version = unsigned(uint8_t(header[1])) << 8 | uint8_t(header[2]);
    if (version < kLowestRecordVersion || version > kHighestRecordVersion)
        return "TLS record version " + hex(version, 4) + " (TLS uses 0x0300–0x0304)";
    return {};
}

using Status = ClientHelloScan::Status;

ClientHelloScan malformed(std::string problem)
{
    ClientHelloScan s;
    s.status = Status::Malformed;
    s.problem = std::move(problem);
    return s;
}

// A bounds-checked reader over the ClientHello body.
class Cursor {
public:
    explicit Cursor(std::string_view data) : m_data(data) { }
    bool ok() const { return m_ok; }
    size_t left() const { return m_data.size() - m_pos; }
    uint32_t number(size_t bytes)
    {
        if (left() < bytes) {
            m_ok = false;
            return 0;
        }
        uint32_t v = 0;
        for (size_t i = 0; i < bytes; ++i)
            v = v << 8 | uint8_t(m_data[m_pos++]);
        return v;
    }
    std::string_view take(size_t n)
    {
        if (left() < n) {
            m_ok = false;
            return {};
        }
        std::string_view v = m_data.substr(m_pos, n);
        m_pos += n;
        return v;
    }
    void skipVector(size_t lengthBytes) { take(number(lengthBytes)); }

private:
    std::string_view m_data;
    size_t m_pos = 0;
    bool m_ok = true;
};

// The server_name extension (RFC 6066 §3): a non-empty list with at most
// one host_name, nothing after it. Servers resolve ambiguity differently,
// so every ambiguity is refused rather than read one way.
ClientHelloScan readServerNameList(std::string_view ext, ClientHelloScan out)
{
    Cursor list(ext);
    Cursor names(list.take(list.number(2)));
    if (!list.ok() || list.left() != 0)
        return malformed("server_name extension with bytes outside its list");
    if (names.left() == 0)
        return malformed("empty server_name list");
    while (names.ok() && names.left() > 0) {
        uint8_t kind = uint8_t(names.number(1));
        std::string_view name = names.take(names.number(2));
        if (!names.ok())
            break;
        if (kind != kHostName)
            continue;
        if (!out.serverName.empty())
            return malformed("ClientHello names two servers");
        if (name.empty())
            return malformed("empty server name");
        for (unsigned char ch : name) {
            if (ch < 0x21 || ch > 0x7e)
                return malformed("server name with a control or non-ASCII byte");
            out.serverName.push_back(char(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
        }
    }
    if (!names.ok())
        return malformed("server_name extension runs past its end");
    return out;
}

// The ALPN extension (RFC 7301 §3.1): whether its protocol list names h2.
bool alpnOffersHttp2(std::string_view ext)
{
    Cursor list(ext);
    Cursor names(list.take(list.number(2)));
    while (names.ok() && names.left() > 0)
        if (names.take(names.number(1)) == "h2" && names.ok())
            return true;
    return false;
}

ClientHelloScan readServerName(std::string_view body)
{
    Cursor c(body);
    c.take(2 + 32); // legacy_version, random
    c.skipVector(1); // session id
    c.skipVector(2); // cipher suites
    c.skipVector(1); // compression methods
    ClientHelloScan out;
    out.status = Status::Hello;
    if (c.ok() && c.left() == 0)
        return out; // no extensions at all: no SNI
    Cursor exts(c.take(c.number(2)));
    if (!c.ok())
        return malformed("ClientHello extensions run past its end");
    if (c.left() != 0)
        return malformed("bytes after the ClientHello's extensions");
    bool seen = false;
    while (exts.ok() && exts.left() > 0) {
        uint16_t type = uint16_t(exts.number(2));
        std::string_view ext = exts.take(exts.number(2));
        if (exts.ok() && type == kAlpnExtension)
            out.offersHttp2 = alpnOffersHttp2(ext);
        if (!exts.ok() || type != kServerNameExtension)
            continue;
        if (seen)
            return malformed("ClientHello with two server_name extensions");
        seen = true;
        out = readServerNameList(ext, std::move(out));
        if (out.status == Status::Malformed)
            return out;
    }
    if (!exts.ok())
        return malformed("ClientHello extensions run past their end");
    if (!out.serverName.empty() && out.serverName.back() == '.')
        out.serverName.pop_back();
    return out;
}

} // namespace

TlsStart couldBeginTls(std::string_view bytes)
{
    if (bytes.empty())
        return TlsStart::NeedMore;
    const uint8_t type = uint8_t(bytes[0]);
    if (type & kSslV2HeaderBit) {
        if (bytes.size() < 3)
            return TlsStart::NeedMore;
        return uint8_t(bytes[2]) == kSslV2ClientHello ? TlsStart::Yes : TlsStart::No;
    }
    if (!contentTypeName(type))
        return TlsStart::No;
    if (bytes.size() < 2)
        return TlsStart::NeedMore;
    const uint8_t major = uint8_t(bytes[1]);
    if (type == kHandshakeRecord || type == kAlertRecord)
        return major < kGoLowestRejectedMajor ? TlsStart::Yes : TlsStart::No;
    return major == kLowestRecordVersion >> 8 ? TlsStart::Yes : TlsStart::No;
}

ClientHelloScan scanClientHello(std::string_view bytes)
{
    switch (couldBeginTls(bytes)) {
    case TlsStart::No: return ClientHelloScan { Status::NotTls, {}, {} };
    case TlsStart::NeedMore: return {};
    case TlsStart::Yes: break;
    }
    // Gather the handshake message out of consecutive handshake records.
    std::string handshake;
    size_t at = 0;
    for (;;) {
        if (handshake.size() >= 4) {
            const size_t need = 4 + (size_t(uint8_t(handshake[1])) << 16 | size_t(uint8_t(handshake[2])) << 8 | uint8_t(handshake[3]));
            if (uint8_t(handshake[0]) != kClientHello)
                return malformed("the first TLS handshake message is not a ClientHello");
            if (need > kMaxClientHello)
                return malformed("ClientHello larger than 32 KiB");
            if (handshake.size() >= need)
                return readServerName(std::string_view(handshake).substr(4, need - 4));
        }
        const std::string_view header = bytes.substr(at, kRecordHeader);
        if (std::string problem = headerProblem(header, at == 0); !problem.empty())
            return malformed(std::move(problem));
        if (at + kRecordHeader >= kMaxClientHelloRecords)
            return malformed(kSpreadTooFar);
        if (header.size() < kRecordHeader)
            return {};
        const size_t len = size_t(uint8_t(bytes[at + 3])) << 8 | uint8_t(bytes[at + 4]);
        if (len == 0 || len > kMaxRecord)
            return malformed("TLS record of impossible length");
        if (at + kRecordHeader + len > kMaxClientHelloRecords)
            return malformed(kSpreadTooFar);
        if (bytes.size() - at - kRecordHeader < len)
            return {};
        handshake.append(bytes.substr(at + kRecordHeader, len));
        at += kRecordHeader + len;
    }
}

} // namespace paddock::egress
