#include "refusal.h"

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

std::string forbiddenResponse(const QString &reason)
{
    http::response<http::string_body> res(http::status::forbidden, 11);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::connection, "close");
    res.set("X-Paddock-Egress", "denied");
    res.body() = "Paddock egress: " + reason.toStdString() + "\n";
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
