#include "tls_client_hello.h"

#include <cstdint>

namespace paddock::egress {

namespace {

constexpr uint8_t kHandshakeRecord = 0x16;
constexpr uint8_t kClientHello = 1;
constexpr uint16_t kServerNameExtension = 0;
constexpr uint8_t kHostName = 0;
constexpr size_t kMaxRecord = 16384 + 2048; // TLS 1.2 allows compression/cipher expansion

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
    bool seen = false;
    while (exts.ok() && exts.left() > 0) {
        uint16_t type = uint16_t(exts.number(2));
        std::string_view ext = exts.take(exts.number(2));
        if (type != kServerNameExtension)
            continue;
        if (seen)
            return malformed("ClientHello with two server_name extensions");
        seen = true;
        Cursor list(ext);
        Cursor names(list.take(list.number(2)));
        while (names.ok() && names.left() > 0) {
            uint8_t kind = uint8_t(names.number(1));
            std::string_view name = names.take(names.number(2));
            if (!names.ok())
                break;
            if (kind != kHostName)
                continue;
            if (!out.serverName.empty())
                return malformed("ClientHello names two servers");
            for (unsigned char ch : name) {
                if (ch < 0x21 || ch > 0x7e)
                    return malformed("server name with a control or non-ASCII byte");
                out.serverName.push_back(char(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch));
            }
        }
        if (!names.ok() || !list.ok())
            return malformed("server_name extension runs past its end");
    }
    if (!exts.ok())
        return malformed("ClientHello extensions run past their end");
    if (!out.serverName.empty() && out.serverName.back() == '.')
        out.serverName.pop_back();
    return out;
}

} // namespace

ClientHelloScan scanClientHello(std::string_view bytes)
{
    if (bytes.empty())
        return {};
    if (uint8_t(bytes[0]) != kHandshakeRecord)
        return ClientHelloScan { Status::NotTls, {}, {} };
    if (bytes.size() >= 2 && uint8_t(bytes[1]) != 0x03)
        return ClientHelloScan { Status::NotTls, {}, {} };
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
        if (bytes.size() - at < 5)
            return {};
        if (uint8_t(bytes[at]) != kHandshakeRecord)
            return malformed("ClientHello interrupted by another record type");
        const size_t len = size_t(uint8_t(bytes[at + 3])) << 8 | uint8_t(bytes[at + 4]);
        if (len == 0 || len > kMaxRecord)
            return malformed("TLS record of impossible length");
        if (bytes.size() - at - 5 < len)
            return {};
        handshake.append(bytes.substr(at + 5, len));
        at += 5 + len;
        if (at > kMaxClientHello + 5 * 8)
            return malformed("ClientHello larger than 32 KiB");
    }
}

} // namespace paddock::egress
