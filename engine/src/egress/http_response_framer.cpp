#include "http_response_framer.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <iterator>
#include <limits>

namespace http = boost::beast::http;

namespace paddock::egress {

namespace {

constexpr uint32_t kHeaderLimit = 64 * 1024;
constexpr size_t kBodyChunk = 64 * 1024;

bool namesWebSocket(std::string_view upgrade)
{
    // "websocket" alone, any case: the one protocol the gate offers.
    while (!upgrade.empty() && (upgrade.front() == ' ' || upgrade.front() == '\t'))
        upgrade.remove_prefix(1);
    while (!upgrade.empty() && (upgrade.back() == ' ' || upgrade.back() == '\t'))
        upgrade.remove_suffix(1);
    constexpr std::string_view kWebSocket = "websocket";
    return upgrade.size() == kWebSocket.size()
        && std::equal(upgrade.begin(), upgrade.end(), kWebSocket.begin(),
            [](char a, char b) { return (a >= 'A' && a <= 'Z' ? char(a - 'A' + 'a') : a) == b; });
}

// One chunk of a body framed anew; none for no bytes (that is the last chunk).
void appendChunk(std::string &out, std::string_view data)
{
    if (data.empty()) return;
    char size[32];
    out.append(size, size_t(std::snprintf(size, sizeof size, "%zx\r\n", data.size())));
    out.append(data);
    out.append("\r\n");
}

} // namespace

ResponseFramer::ResponseFramer(ResponseExpectation expect, SecretRedactor *redactor)
    : m_expect(expect)
    , m_redactor(redactor)
{
    newParser();
}

ResponseFramer::~ResponseFramer() = default;

void ResponseFramer::newParser()
{
    m_parser.emplace();
    m_parser->header_limit(kHeaderLimit);
    m_parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    if (m_expect.head)
        m_parser->skip(true); // a HEAD's response has no body, whatever its Content-Length says
}

ResponseFramer::State ResponseFramer::refuse(std::string problem)
{
    m_problem = std::move(problem);
    return State::Refused;
}

ResponseFramer::State ResponseFramer::read(std::string &in, std::string &out)
{
    if (!m_problem.empty()) return State::Refused;
    while (!m_done && !in.empty()) {
        boost::beast::error_code ec;
        if (!m_parser->is_header_done()) {
            const size_t used = m_parser->put(boost::asio::buffer(in), ec);
            if (ec == http::error::need_more) return State::NeedMore;
            if (ec || !m_parser->is_header_done())
                return refuse("malformed response from the upstream (" + ec.message() + ")");
            std::optional<State> switched = onHead();
            if (switched && *switched == State::Refused) return State::Refused;
            emit(std::string_view(in).substr(0, used), out);
            in.erase(0, used);
            m_started = true;
            if (switched) return *switched;
            if (!m_done && m_parser->is_header_done() && !m_parser->chunked() && m_parser->content_length())
                m_bodyLeft = *m_parser->content_length_remaining();
            if (!m_done && m_parser->is_header_done() && m_parser->chunked() && m_redactor
                && m_redactor->active()) {
                m_rechunk = true;
                m_redactor->flush(out); // the head goes whole before the first chunk of ours
                m_headFieldCount = size_t(std::distance(m_parser->get().begin(), m_parser->get().end()));
            }
            continue;
        }
        if (m_rechunk) {
            boost::beast::error_code ec;
            if (!readRechunked(in, out, ec)) // reads as far as `in` allows
                return refuse("malformed response body from the upstream (" + ec.message() + ")");
            break;
        }
        if (m_bodyLeft) { // framed by length: counted, not parsed
            const size_t n = size_t(std::min<uint64_t>(*m_bodyLeft, in.size()));
            emit(std::string_view(in).substr(0, n), out);
            if (n == in.size())
                in.clear();
            else
                in.erase(0, n);
            *m_bodyLeft -= n;
            if (*m_bodyLeft == 0) m_done = true;
            continue;
        }
        char
            sink[kBodyChunk]; // the body is relayed as sent; what the parser copies here is dropped
        m_parser->get().body().data = sink;
        m_parser->get().body().size = sizeof sink;
        const size_t used = m_parser->put(boost::asio::buffer(in), ec);
        if (ec && ec != http::error::need_buffer && ec != http::error::need_more)
            return refuse("malformed response body from the upstream (" + ec.message() + ")");
        emit(std::string_view(in).substr(0, used), out);
        in.erase(0, used);
        if (m_parser->is_done())
            m_done = true;
        else if (used == 0)
            break;
    }
    return m_done ? State::Complete : State::NeedMore;
}

void ResponseFramer::emit(std::string_view bytes, std::string &out)
{
    if (m_redactor)
        m_redactor->feed(bytes, out);
    else
        out.append(bytes);
}

// False when the body is malformed (`ec` says how). Stops when `in` gives
// nothing more now; sets m_done at the body's end.
bool ResponseFramer::readRechunked(std::string &in, std::string &out, boost::beast::error_code &ec)
{
    while (!m_done && !in.empty()) {
        char payload[kBodyChunk];
        m_parser->get().body().data = payload;
        m_parser->get().body().size = sizeof payload;
        const size_t used = m_parser->put(boost::asio::buffer(in), ec);
        if (ec && ec != http::error::need_buffer && ec != http::error::need_more) return false;
        ec = {};
        in.erase(0, used);
        const size_t decoded = sizeof payload - m_parser->get().body().size;
        std::string masked;
        m_redactor->feed(std::string_view(payload, decoded), masked);
        appendChunk(out, masked);
        if (m_parser->is_done()) {
            endRechunked(out);
            m_done = true;
        } else if (used == 0 && decoded == 0) {
            break;
        }
    }
    return true;
}

// What the redactor held back, the last chunk, and the trailers, masked.
void ResponseFramer::endRechunked(std::string &out)
{
    std::string held;
    m_redactor->flush(held);
    appendChunk(out, held);
    out += "0\r\n";
    size_t index = 0;
    for (const auto &f : m_parser->get()) {
        if (index++ < m_headFieldCount) continue;
        out += m_redactor->masked(std::string_view(f.name_string().data(), f.name_string().size()));
        out += ": ";
        out += m_redactor->masked(std::string_view(f.value().data(), f.value().size()));
        out += "\r\n";
    }
    out += "\r\n";
}

namespace {

std::string_view text(boost::beast::string_view s)
{
    return std::string_view(s.data(), s.size());
}

} // namespace

bool namesUnreadableCoding(std::string_view codings)
{
    while (!codings.empty()) {
        const size_t comma = codings.find(',');
        std::string_view one = codings.substr(0, comma);
        while (!one.empty() && (one.front() == ' ' || one.front() == '\t')) one.remove_prefix(1);
        while (!one.empty() && (one.back() == ' ' || one.back() == '\t')) one.remove_suffix(1);
        const auto is = [one](std::string_view name) {
            return std::equal(one.begin(), one.end(), name.begin(), name.end(),
                [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
        };
        if (!one.empty() && !is("identity") && !is("chunked")) return true;
        codings = comma == std::string_view::npos ? std::string_view() : codings.substr(comma + 1);
    }
    return false;
}

// Decides what a complete response head means. Interim answers are relayed
// and the next head awaited; nullopt: carry on with this response.
std::optional<ResponseFramer::State> ResponseFramer::onHead()
{
    const unsigned status = m_parser->get().result_int();
    if (status / 100 != 1 || status == 101) {
        m_headFields.emplace();
        for (const auto &f : m_parser->get())
            m_headFields->emplace_back(std::string(f.name_string()), std::string(f.value()));
    }
    if (status == 101) {
        m_status = status; // also when refused: the gate logs a refused switch as denied
        const auto upgrade = m_parser->get()[http::field::upgrade];
        if (!m_expect.websocket)
            return refuse("the upstream switched protocols (101) though no upgrade was asked for");
        if (!namesWebSocket(std::string_view(upgrade.data(), upgrade.size())))
            return refuse(
                "the upstream switched to a protocol other than the WebSocket upgrade asked for");
        return State::Tunnel;
    }
    if (status / 100 == 1) { // 100 Continue, 103 Early Hints: relayed, the final answer follows
        newParser();
        return std::nullopt;
    }
    m_status = status;
    if (m_expect.connect && status / 100 == 2) return State::Tunnel;
    const auto &head = m_parser->get();
    if (m_redactor && m_redactor->active() && !m_parser->is_done()
        && (namesUnreadableCoding(text(head[http::field::content_encoding]))
            || namesUnreadableCoding(text(head[http::field::transfer_encoding]))))
        return refuse("the upstream compressed its answer to a request that carries a secret (it was asked "
                      "not to): it cannot be masked, so it is not passed on");
    if (m_parser->is_done()) m_done = true;
    return std::nullopt;
}

ResponseFramer::State ResponseFramer::readEof()
{
    if (m_done) return State::Complete;
    if (!m_problem.empty()) return State::Refused;
    if (m_parser->is_header_done() && m_parser->need_eof()) {
        boost::beast::error_code ec;
        m_parser->put_eof(ec);
        if (!ec && m_parser->is_done()) {
            m_done = true;
            m_endedByClose = true;
            return State::Complete;
        }
    }
    return refuse(m_started ? "the upstream closed before its response ended"
                            : "the upstream closed without answering");
}

bool ResponseFramer::keepAlive() const
{
    return m_done && m_parser->is_header_done() && m_parser->keep_alive();
}

} // namespace paddock::egress
