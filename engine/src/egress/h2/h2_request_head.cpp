#include "h2_request_head.h"

#include "egress/http_request_framer.h"

#include <algorithm>

namespace paddock::egress::h2 {

namespace {

std::string lowered(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
        [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
    return out;
}

} // namespace

bool H2RequestHead::add(std::string_view name, std::string_view value)
{
    m_bytes += fieldBytes(name, value);
    if (m_bytes > kMaxHeadBytes || m_fields.size() >= kMaxFields) return false;
    if (!name.empty() && name.front() == ':') {
        if (m_problem.empty()) m_problem = takePseudo(name, value);
        return true;
    }
    m_fields.emplace_back(std::string(name), std::string(value));
    return true;
}

std::string H2RequestHead::takePseudo(std::string_view name, std::string_view value)
{
    std::string *slot = name == ":method" ? &m_method
        : name == ":scheme"               ? &m_scheme
        : name == ":authority"            ? &m_authority
        : name == ":path"                 ? &m_path
                                          : nullptr;
    if (!slot)
        return "the pseudo-header " + printableText(name)
            + " is not relayed (extended CONNECT, say)";
    if (!slot->empty()) return "two " + std::string(name) + " pseudo-headers";
    *slot = std::string(value);
    return {};
}

std::string H2RequestHead::check(const GateConnection &conn)
{
    if (!m_problem.empty()) return m_problem;
    if (m_method.empty()) return "a request without :method";
    // Rules name methods in upper case; a server that reads "delete" as
    // DELETE would run what a rule refused.
    if (std::any_of(m_method.begin(), m_method.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        return "the method '" + printableText(m_method) + "' is not in upper case";
    if (m_method == "CONNECT")
        return "CONNECT inside HTTP/2 is not relayed through an inspect rule";
    if (m_scheme != "https") return "the :scheme of a request over TLS must be https";
    std::string authority = m_authority;
    for (const auto &[name, value] : m_fields) {
        if (name != "host") continue;
        if (!authority.empty() && value != authority)
            return "Host and :authority name different servers";
        authority = value;
    }
    if (authority.empty()) return "a request that names no server (no :authority or Host)";
    const std::optional<Authority> parsed = parseAuthority(authority);
    if (!parsed) return "the authority " + printableText(authority) + " cannot be read";
    if (std::string mismatch = authorityMismatch(*parsed, conn); !mismatch.empty()) return mismatch;
    m_target = normalizeOriginForm(m_path);
    return m_target.problem;
}

std::string overrideFieldAmong(const H2Fields &fields)
{
    for (const auto &[name, value] : fields)
        if (isOverrideField(name)) return name;
    return {};
}

std::string H2RequestHead::overrideField() const
{
    return overrideFieldAmong(m_fields);
}

std::string H2RequestHead::summary() const
{
    return m_method + ' '
        + (m_target.ok() && !m_target.path.empty() ? m_target.path : printableText(m_path));
}

H2Fields H2RequestHead::upstreamFields(const GateConnection &conn) const
{
    H2Fields out { { ":method", m_method }, { ":scheme", "https" },
        { ":authority", hostFieldFor(conn) }, { ":path", m_target.encoded() } };
    for (const auto &field : m_fields)
        if (field.first != "host") out.push_back(field);
    return out;
}

bool H2RequestHead::takeField(const std::string &name)
{
    const std::string lower = lowered(name);
    return std::erase_if(m_fields, [&](const auto &field) { return field.first == lower; }) > 0;
}

void H2RequestHead::setField(const std::string &name, const std::string &value)
{
    takeField(name);
    m_fields.emplace_back(lowered(name), value);
}

void H2RequestHead::setQueryParameter(const std::string &name, const std::string &encodedValue)
{
    egress::setQueryParameter(m_target, name, encodedValue);
}

} // namespace paddock::egress::h2
