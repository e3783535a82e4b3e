// The DNS wire format, as much of it as Paddock's resolver needs: reading a
// standard query with one question, and writing its answer. Every query
// comes from an untrusted sandbox, so the reader refuses anything out of
// the ordinary — compression in a question, labels over 63 bytes, names
// over 253 characters, bytes outside letters, digits, '-' and '_' (a CR or
// LF in a name is how log and header injection starts) — and says why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paddock::egress {

enum class DnsType : uint16_t { A = 1, PTR = 12, AAAA = 28 };
enum class DnsRcode : uint8_t { NoError = 0, FormErr = 1, ServFail = 2, NxDomain = 3, NotImp = 4, Refused = 5 };

struct DnsQuery {
    uint16_t id = 0;
    bool recursionDesired = false;
    std::string name; // lower case, without the trailing dot; empty for the root
    uint16_t type = 0;
    uint16_t qclass = 0;
    std::string_view question; // the question section as sent (copied into the answer)
};

struct DnsParse {
    enum class Status {
        Query, // `query` is a well-formed question
        Drop, // not a query at all (too short, a response): no answer
        Malformed, // answer `rcode`; `problem` says why
    };
    Status status = Status::Drop;
    DnsQuery query; // id and question set whenever the header was readable
    DnsRcode rcode = DnsRcode::FormErr;
    std::string problem;
};

// `packet` must outlive the result's query.question.
DnsParse parseDnsQuery(std::string_view packet);

// An answer with one A record (type A) or PTR record.
std::string dnsAddressAnswer(const DnsQuery &q, uint32_t ipv4, uint32_t ttl);
std::string dnsPointerAnswer(const DnsQuery &q, const std::string &name, uint32_t ttl);
// No records: NOERROR (the name exists, not with this type) or an error code.
std::string dnsEmptyAnswer(const DnsQuery &q, DnsRcode rcode);

// A name and the printable form of a problem, for the log: control bytes
// and non-ASCII as \xNN, never raw.
std::string printableName(std::string_view raw);

} // namespace paddock::egress
