#include "dns_message.h"

#include <cstdio>

namespace paddock::egress {

namespace {

constexpr size_t kHeaderSize = 12;
constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxName = 253;
constexpr uint16_t kClassIn = 1;

uint16_t readU16(std::string_view p, size_t at) { return uint16_t(uint8_t(p[at]) << 8 | uint8_t(p[at + 1])); }

void writeU16(std::string &out, uint16_t v)
{
    out.push_back(char(v >> 8));
    out.push_back(char(v & 0xff));
}

void writeU32(std::string &out, uint32_t v)
{
    writeU16(out, uint16_t(v >> 16));
    writeU16(out, uint16_t(v & 0xffff));
}

bool isNameByte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

char lower(unsigned char c) { return char(c >= 'A' && c <= 'Z' ? c + 32 : c); }

// Reads the question's name from `at`; on success `at` is past its end.
bool readName(std::string_view p, size_t &at, DnsParse &out)
{
    std::string name;
    for (;;) {
        if (at >= p.size()) {
            out.problem = "name runs past the end of the packet";
            return false;
        }
        const auto len = uint8_t(p[at]);
        if (len == 0) {
            ++at;
            break;
        }
        if ((len & 0xc0) == 0xc0) {
            out.problem = "compressed name in a question";
            return false;
        }
        if (len > kMaxLabel) { // 64..191 would be obsolete extended label types
            out.problem = "label longer than 63 bytes";
            return false;
        }
        if (at + 1 + len > p.size()) {
            out.problem = "label runs past the end of the packet";
            return false;
        }
        std::string_view label = p.substr(at + 1, len);
        for (unsigned char c : label) {
            if (!isNameByte(c)) {
                out.problem = "name with a byte outside letters, digits, '-' and '_': "
                    + printableName(label);
                out.rcode = DnsRcode::Refused;
                return false;
            }
        }
        if (!name.empty())
            name.push_back('.');
        for (unsigned char c : label)
            name.push_back(lower(c));
        if (name.size() > kMaxName) {
            out.problem = "name longer than 253 characters";
            return false;
        }
        at += 1 + len;
    }
    out.query.name = std::move(name);
    return true;
}

std::string answerHeader(const DnsQuery &q, DnsRcode rcode, uint16_t answers)
{
    std::string out;
    writeU16(out, q.id);
    // QR=1, opcode 0, AA=1, RD as asked, RA=1, the code.
    writeU16(out, uint16_t(0x8400 | (q.recursionDesired ? 0x0100 : 0) | 0x0080 | uint8_t(rcode)));
    writeU16(out, q.question.empty() ? 0 : 1);
    writeU16(out, answers);
    writeU16(out, 0);
    writeU16(out, 0);
    out.append(q.question);
    return out;
}

void appendRecordHeader(std::string &out, uint16_t type, uint32_t ttl, uint16_t rdLength)
{
    writeU16(out, 0xc000 | kHeaderSize); // the name: a pointer to the question's
    writeU16(out, type);
    writeU16(out, kClassIn);
    writeU32(out, ttl);
    writeU16(out, rdLength);
}

} // namespace

DnsParse parseDnsQuery(std::string_view p)
{
    DnsParse out;
    if (p.size() < kHeaderSize)
        return out;
    const uint16_t flags = readU16(p, 2);
    if (flags & 0x8000)
        return out; // a response: never answer one (reflection loops)
    out.query.id = readU16(p, 0);
    out.query.recursionDesired = flags & 0x0100;
    out.status = DnsParse::Status::Malformed;
    if ((flags >> 11 & 0xf) != 0) {
        out.rcode = DnsRcode::NotImp;
        out.problem = "not a standard query";
        return out;
    }
    if (readU16(p, 4) != 1) {
        out.problem = "a query must ask exactly one question";
        return out;
    }
    size_t at = kHeaderSize;
    if (!readName(p, at, out))
        return out;
    if (at + 4 > p.size()) {
        out.problem = "question without type and class";
        return out;
    }
    out.query.type = readU16(p, at);
    out.query.qclass = readU16(p, at + 2);
    out.query.question = p.substr(kHeaderSize, at + 4 - kHeaderSize);
    out.status = DnsParse::Status::Query;
    out.rcode = DnsRcode::NoError;
    return out;
}

std::string dnsAddressAnswer(const DnsQuery &q, uint32_t ipv4, uint32_t ttl)
{
    std::string out = answerHeader(q, DnsRcode::NoError, 1);
    appendRecordHeader(out, uint16_t(DnsType::A), ttl, 4);
    writeU32(out, ipv4);
    return out;
}

std::string dnsPointerAnswer(const DnsQuery &q, const std::string &name, uint32_t ttl)
{
    std::string rdata;
    size_t start = 0;
    while (start < name.size()) {
        size_t dot = name.find('.', start);
        size_t end = dot == std::string::npos ? name.size() : dot;
        rdata.push_back(char(end - start));
        rdata.append(name, start, end - start);
        start = end + 1;
    }
    rdata.push_back('\0');
    std::string out = answerHeader(q, DnsRcode::NoError, 1);
    appendRecordHeader(out, uint16_t(DnsType::PTR), ttl, uint16_t(rdata.size()));
    out += rdata;
    return out;
}

std::string dnsEmptyAnswer(const DnsQuery &q, DnsRcode rcode) { return answerHeader(q, rcode, 0); }

std::string printableName(std::string_view raw)
{
    std::string out;
    for (unsigned char c : raw) {
        if (c >= 0x21 && c < 0x7f && c != '\\') {
            out.push_back(char(c));
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
        if (out.size() > 200) {
            out += "…";
            break;
        }
    }
    return out;
}

} // namespace paddock::egress
