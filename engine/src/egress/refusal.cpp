#include "refusal.h"

#include "gate_shared.h"

#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <sstream>

namespace http = boost::beast::http;

namespace paddock::egress {

bool looksLikeHttp(std::string_view bytes)
{
    for (const char *method : { "GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "PATCH ", "OPTIONS ", "CONNECT " })
        if (bytes.starts_with(method))
            return true;
    return false;
}

bool mayBeHttpRequest(std::string_view bytes)
{
    if (!bytes.empty() && (bytes.front() == '\r' || bytes.front() == '\n' || bytes.front() == ' ' || bytes.front() == '\t'))
        return true; // servers skip a blank line before the request line (RFC 9112 §2.2)
    // tchar (RFC 9110 §5.6.2): what a method is made of
    constexpr std::string_view kTchar = "!#$%&'*+-.^_`|~";
    size_t i = 0;
    for (; i < bytes.size(); ++i) {
        const char c = bytes[i];
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && kTchar.find(c) == std::string_view::npos)
            break;
    }
    return i == bytes.size() ? i > 0 : i > 0 && bytes[i] == ' ';
}

std::string forbiddenResponse(const QString &reason) { return refusalResponse(403, reason); }

std::string refusalResponse(unsigned status, const QString &reason)
{
    http::response<http::string_body> res(http::int_to_status(status), 11);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::connection, "close");
    res.set("X-Paddock-Egress", refusalKind(status));
    res.body() = refusalBody(reason);
    res.prepare_payload();
    std::ostringstream os;
    os << res;
    return os.str();
}

void endGracefully(int fd)
{
    char sink[16384];
    for (int i = 0; i < 4 && ::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0; ++i) { }
    ::shutdown(fd, SHUT_WR);
}

} // namespace paddock::egress
