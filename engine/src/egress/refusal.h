// How a refused connection is told: a plain-HTTP client gets a readable
// 403 with the reason (written with Boost.Beast); the connection then ends
// without resetting over that answer.
#pragma once

#include <QString>

#include <string>
#include <string_view>

namespace paddock::egress {

// Whether the first bytes a client sent start an HTTP/1 request.
bool looksLikeHttp(std::string_view firstBytes);

// Whether they could be the start of one, as a lenient server reads it:
// any method token (not only the usual eight), a token cut short, or a
// request behind leading blank lines. Where rules decide by method and
// path, all of these go to the HTTP gate — which refuses what it cannot
// read — since an upstream may still take them for a request.
bool mayBeHttpRequest(std::string_view firstBytes);

std::string forbiddenResponse(const QString &reason);
// The same with another status: 400 (a request that cannot be read
// safely), 502 (the upstream failed or misbehaved).
std::string refusalResponse(unsigned status, const QString &reason);

// Ends our side after what was written: takes what the client sent (unread
// bytes at close() would turn the FIN into a reset that can overtake the
// answer), then sends the FIN. The caller still closes the descriptor.
void endGracefully(int fd);

} // namespace paddock::egress
