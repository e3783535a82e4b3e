// What a handler decided about one request, read from the result its
// script returned (handler_wire.h) and checked before the gate acts on
// it: the script is the user's, but it is still code that can return
// anything, so nothing it gives reaches a socket unchecked.
//
//   {"action": "send", "request": {method, url, headers, body}}
//       the request to send: its URL stays on the connection's host (a
//       path, or https://that-host/…); Paddock frames the body itself
//   {"action": "respond", "response": {status, headers, body}}
//       an answer for the sandbox; nothing goes upstream
//   {"action": "deny", "reason": "…"}
//       a 403 with that reason
//
// Headers are [[name, value]…]; those Paddock writes (Host, framing,
// hop-by-hop) may not be set. Bodies are bounded (kMaxHandlerBody).
#pragma once

#include "paddock/error.h"

#include <QJsonObject>

#include <string>
#include <utility>
#include <vector>

namespace paddock::egress {

inline constexpr qsizetype kMaxHandlerBody = 1024 * 1024;

using HandlerFields = std::vector<std::pair<std::string, std::string>>;

struct HandlerVerdict {
    enum class Kind { Send, Respond, Deny };
    Kind kind = Kind::Deny;
    std::string method; // Send
    std::string target; // Send: origin-form, "/path?query", as the script wrote it
    unsigned status = 0; // Respond
    HandlerFields fields; // Send, Respond
    std::string body; // Send, Respond
    std::string reason; // Deny
};

// The connection the request came on: a script's absolute URL must name it.
struct HandlerOrigin {
    std::string host; // the name (or literal address) the sandbox connected to
    uint16_t port = 443;
};

Result<HandlerVerdict> readHandlerVerdict(const QJsonObject &result, const HandlerOrigin &origin);

} // namespace paddock::egress
