#include "http_request_framer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <limits>

namespace http = boost::beast::http;

namespace paddock::egress {

namespace {

constexpr uint32_t kHeaderLimit = 64 * 1024;
constexpr size_t kBodyChunk = 64 * 1024;

// Fields that describe one hop, not the request (RFC 9110 §7.6.1), and the
// framing fields: the gate writes its own (Host from the connection,
// Connection, Upgrade, Content-Length or Transfer-Encoding), so none of
// the client's reach the upstream.
constexpr std::array<std::string_view, 10> kNotForwarded = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "content-length",
    "trailer",
    "upgrade",
    "http2-settings",
    "host",
};

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

std::string lowered(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// The lower-cased tokens of a comma-separated field ("Upgrade, close").
std::vector<std::string> tokens(std::string_view value)
{
    std::vector<std::string> out;
    while (!value.empty()) {
        const size_t comma = value.find(',');
        const std::string_view t = trimmed(value.substr(0, comma));
        if (!t.empty()) out.push_back(lowered(t));
        value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    }
    return out;
}

std::vector<std::string> allTokens(const http::fields &fields, http::field name)
{
    std::vector<std::string> out;
    for (auto it = fields.find(name); it != fields.end() && it->name() == name; ++it)
        for (std::string &t : tokens(std::string_view(it->value().data(), it->value().size())))
            out.push_back(std::move(t));
    return out;
}

// Fields frameworks and proxies act on in place of the method or the
// request-target (Symfony, Laravel, Rails, Express method-override, IIS
// URL rewrite). A rule that decided the method and path would not have
// decided what such a server then does.
constexpr std::string_view kOverrideFields[] = { "x-http-method-override", "x-http-method", "x-method-override",
    "x-original-url", "x-rewrite-url", "x-original-method", "x-override-url" };

std::string printable(std::string_view s)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s.substr(0, 2000)) {
        if (c > 0x20 && c < 0x7f)
            out += char(c);
        else
            out.append({ '%', kHex[c >> 4], kHex[c & 15] });
    }
    return out;
}

template<class Request>
std::string overrideFieldIn(const Request &req)
{
    for (const auto &f : req) {
        const std::string_view name(f.name_string().data(), f.name_string().size());
        if (isOverrideField(lowered(name))) return printable(name);
    }
    return {};
}

bool contains(const std::vector<std::string> &v, std::string_view s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

// Beast keeps obs-text and folds obs-fold into spaces; a control byte here
// would still split the head we write.
bool isCleanValue(std::string_view v)
{
    return std::none_of(
        v.begin(), v.end(), [](char c) { return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f; });
}

} // namespace

bool isOverrideField(std::string_view lowerCaseName)
{
    return std::find(std::begin(kOverrideFields), std::end(kOverrideFields), lowerCaseName) != std::end(kOverrideFields);
}

std::string printableText(std::string_view text)
{
    return printable(text);
}

RequestFramer::RequestFramer()
{
    m_parser.emplace();
    m_parser->header_limit(kHeaderLimit);
    m_parser->body_limit(
        std::numeric_limits<std::uint64_t>::max()); // boost::none compares wrongly in 1.74
}

RequestFramer::~RequestFramer() = default;

RequestFramer::State RequestFramer::refuse(unsigned status, std::string reason)
{
    m_refusal = HttpRefusal { status, std::move(reason) };
    return State::Refused;
}

RequestFramer::State RequestFramer::readHead(std::string &in, const GateConnection &conn)
{
    boost::beast::error_code ec;
    const size_t used = m_parser->put(boost::asio::buffer(in), ec);
    if (ec == http::error::need_more) return State::NeedMore;
    if (ec || !m_parser->is_header_done())
        return refuse(400, "not a well-formed HTTP request (" + ec.message() + ")");
    const auto &req = m_parser->get();
    m_head.method = std::string(req.method_string());
    // Methods are case-sensitive, yet some servers fold them: "get" could
    // run a GET handler that a rule for GET was meant to decide.
    if (std::any_of(m_head.method.begin(), m_head.method.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        return refuse(400, "the method '" + printable(m_head.method) + "' is not in upper case");
    m_head.printableTarget = printable(std::string_view(req.target().data(), req.target().size()));
    m_head.version = req.version();
    m_head.connect = req.method() == http::verb::connect;
    m_head.keepAlive = m_parser->keep_alive();
    m_head.chunked = m_parser->chunked();
    if (auto cl = m_parser->content_length()) m_head.contentLength = *cl;
    if (auto problem = checkFraming(req)) return refuse(problem->status, problem->reason);
    const std::string_view target(req.target().data(), req.target().size());
    if (m_head.connect) {
        auto authority = parseAuthority(target);
        if (!authority || !authority->port) return refuse(400, "a CONNECT target is host:port");
        if (const std::string why = authorityMismatch(*authority, conn); !why.empty())
            return refuse(403, "CONNECT target refused: " + why);
        m_head.authority = hostFieldFor(conn, true);
    } else {
        m_head.target = normalizeOriginForm(target);
        if (!m_head.target.ok())
            return refuse(400, "request-target refused: " + m_head.target.problem);
    }
    if (auto problem = checkHost(req, conn)) return refuse(problem->status, problem->reason);
    const std::vector<std::string> upgrade = allTokens(req, http::field::upgrade);
    m_head.websocket = req.method() == http::verb::get && m_parser->upgrade()
        && std::any_of(upgrade.begin(), upgrade.end(),
            [](const std::string &t) { return t.substr(0, t.find('/')) == "websocket"; });
    m_head.overrideField = overrideFieldIn(req);
    keepFields(req);
    in.erase(0, used);
    return State::Ready;
}

std::optional<HttpRefusal> RequestFramer::checkFraming(const Parser::value_type &req) const
{
    // Beast refuses a Content-Length beside chunked and unequal lengths;
    // a coding other than one plain "chunked" it would frame by length
    // while an upstream may read it as chunked (TE.CL desync): refused.
    if (req.count(http::field::transfer_encoding) > 0) {
        const std::vector<std::string> te = allTokens(req, http::field::transfer_encoding);
        if (te.size() != 1 || te.front() != "chunked" || req.count(http::field::content_length) > 0)
            return HttpRefusal { 400,
                "Transfer-Encoding other than one 'chunked' (or beside Content-Length) is refused: "
                "upstreams disagree about its framing" };
        if (m_head.version < 11)
            return HttpRefusal { 400,
                "Transfer-Encoding in an HTTP/1.0 request is refused: HTTP/1.0 has no chunked "
                "framing" };
    }
    if (m_head.connect && m_head.hasBody())
        return HttpRefusal { 400, "a CONNECT request carries no body" };
    for (const auto &f : req)
        if (!isCleanValue(std::string_view(f.value().data(), f.value().size())))
            return HttpRefusal { 400, "a header field holds a control byte" };
    return std::nullopt;
}

std::optional<HttpRefusal> RequestFramer::checkHost(
    const Parser::value_type &req, const GateConnection &conn)
{
    m_host = m_head.connect ? m_head.authority : hostFieldFor(conn);
    const size_t count = req.count(http::field::host);
    if (count > 1)
        return HttpRefusal { 400, "two Host fields: which server is meant is ambiguous" };
    if (count == 0) {
        if (m_head.version >= 11)
            return HttpRefusal { 400, "an HTTP/1.1 request needs a Host field" };
        return std::nullopt; // HTTP/1.0: the one the connection was opened for is added
    }
    const auto value = req[http::field::host];
    auto authority = parseAuthority(trimmed(std::string_view(value.data(), value.size())));
    if (!authority) return HttpRefusal { 400, "the Host field is not host[:port]" };
    if (const std::string why = authorityMismatch(*authority, conn); !why.empty())
        return HttpRefusal { 403, "Host field refused: " + why };
    return std::nullopt;
}

void RequestFramer::keepFields(const Parser::value_type &req)
{
    // Fields the client's Connection names are hop-by-hop too (RFC 9110 §7.6.1).
    const std::vector<std::string> named = allTokens(req, http::field::connection);
    for (const auto &f : req) {
        const std::string name
            = lowered(std::string_view(f.name_string().data(), f.name_string().size()));
        if (std::find(kNotForwarded.begin(), kNotForwarded.end(), name) != kNotForwarded.end()
            || contains(named, name))
            continue;
        m_fields.emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
}

std::string RequestFramer::upstreamHead(bool offerUpgrade) const
{
    const bool upgrade = offerUpgrade && m_head.websocket && !m_head.hasBody();
    std::string out = m_head.method + ' '
        + (m_head.connect ? m_head.authority : m_head.target.encoded())
        + (m_head.version >= 11 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n");
    out += "Host: " + m_host + "\r\n";
    for (const auto &[name, value] : m_fields)
        out += name + ": " + value + "\r\n";
    if (upgrade)
        out += "Connection: Upgrade\r\nUpgrade: websocket\r\n";
    else if (closesUpstream())
        out += "Connection: close\r\n";
    else if (m_head.version < 11)
        out += "Connection: keep-alive\r\n";
    if (m_head.chunked)
        out += "Transfer-Encoding: chunked\r\n";
    else if (m_head.contentLength)
        out += "Content-Length: " + std::to_string(*m_head.contentLength) + "\r\n";
    return out + "\r\n";
}

void RequestFramer::setField(const std::string &name, const std::string &value)
{
    const std::string key = lowered(name);
    std::erase_if(m_fields, [&](const auto &field) { return lowered(field.first) == key; });
    m_fields.emplace_back(name, value);
}

void RequestFramer::setQueryParameter(const std::string &name, const std::string &encodedValue)
{
    egress::setQueryParameter(m_head.target, name, encodedValue);
}

bool RequestFramer::takeField(const std::string &name)
{
    const std::string key = lowered(name);
    return std::erase_if(m_fields, [&](const auto &field) { return lowered(field.first) == key; }) > 0;
}

void RequestFramer::rewrite(std::string method, HttpTarget target,
    std::vector<std::pair<std::string, std::string>> fields, size_t bodyLength)
{
    const bool mayCarryBody = method == "POST" || method == "PUT" || method == "PATCH";
    m_head.method = std::move(method);
    m_head.target = std::move(target);
    m_fields = std::move(fields);
    m_head.chunked = false;
    m_head.contentLength
        = bodyLength > 0 || mayCarryBody ? std::optional<uint64_t>(bodyLength) : std::nullopt;
}

bool RequestFramer::readBodyInto(std::string &in, std::string &out, bool frame)
{
    while (!m_parser->is_done() && !in.empty()) {
        char sink[kBodyChunk];
        m_parser->get().body().data = sink;
        m_parser->get().body().size = sizeof sink;
        boost::beast::error_code ec;
        const size_t used = m_parser->put(boost::asio::buffer(in), ec);
        if (ec && ec != http::error::need_buffer && ec != http::error::need_more) {
            m_refusal = HttpRefusal { 400, "malformed request body (" + ec.message() + ")" };
            return false;
        }
        const size_t n = sizeof sink - m_parser->get().body().size;
        in.erase(0, used);
        if (n > 0 && m_head.chunked && frame) {
            char size[24];
            std::snprintf(size, sizeof size, "%zx\r\n", n);
            out.append(size).append(sink, n).append("\r\n");
        } else if (n > 0) {
            out.append(sink, n);
        }
        if (used == 0) break;
    }
    if (m_parser->is_done() && m_head.chunked && frame && !m_lastChunkWritten) {
        out += "0\r\n\r\n"; // the client's trailer fields are not passed on
        m_lastChunkWritten = true;
    }
    return true;
}

bool RequestFramer::bodyDone() const
{
    return m_parser->is_done();
}

} // namespace paddock::egress
