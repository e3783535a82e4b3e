#include "http_host.h"

#include <arpa/inet.h>

#include <cstring>

namespace paddock::egress {

namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// A host name's characters (reg-name without escapes, which no name
// resolved through Paddock's DNS can hold).
bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
        || c == '.' || c == '_';
}

std::optional<uint16_t> parsePort(std::string_view digits)
{
    if (digits.empty() || digits.size() > 5) return std::nullopt;
    uint32_t v = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + uint32_t(c - '0');
    }
    if (v == 0 || v > 65535) return std::nullopt;
    return uint16_t(v);
}

// Both addresses of one family and equal by value.
bool sameAddress(const std::string &a, const std::string &b)
{
    unsigned char x[16] {}, y[16] {};
    for (int family : { AF_INET, AF_INET6 })
        if (::inet_pton(family, a.c_str(), x) == 1)
            return ::inet_pton(family, b.c_str(), y) == 1 && std::memcmp(x, y, sizeof x) == 0;
    return false;
}

} // namespace

std::optional<Authority> parseAuthority(std::string_view text)
{
    Authority a;
    std::string_view rest;
    if (text.starts_with('[')) {
        const size_t close = text.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        a.host = std::string(text.substr(1, close - 1));
        unsigned char buf[16];
        if (::inet_pton(AF_INET6, a.host.c_str(), buf) != 1) return std::nullopt;
        rest = text.substr(close + 1);
    } else {
        const size_t colon = text.find(':');
        a.host = std::string(text.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
        if (a.host.empty()) return std::nullopt;
        for (char c : a.host)
            if (!isNameChar(c)) return std::nullopt;
    }
    if (!rest.empty()) {
        if (rest.front() != ':') return std::nullopt;
        a.port = parsePort(rest.substr(1));
        if (!a.port) return std::nullopt;
    }
    return a;
}

std::string authorityMismatch(const Authority &a, const GateConnection &conn)
{
    const bool sameHost = conn.hostIsAddress ? sameAddress(a.host, conn.host)
                                             : equalsIgnoringCase(a.host, conn.host);
    if (!sameHost)
        return "it names '" + a.host + "', not " + conn.host
            + ", the host this connection was opened for";
    const uint16_t port = a.port.value_or(conn.defaultPort);
    if (port != conn.port)
        return "it names port " + std::to_string(port) + (a.port ? "" : " (no port given)")
            + ", but the connection is to port " + std::to_string(conn.port);
    return {};
}

std::string hostFieldFor(const GateConnection &conn, bool withPort)
{
    const bool v6 = conn.hostIsAddress && conn.host.find(':') != std::string::npos;
    std::string host = v6 ? '[' + conn.host + ']' : conn.host;
    if (withPort || conn.port != conn.defaultPort) host += ':' + std::to_string(conn.port);
    return host;
}

} // namespace paddock::egress
