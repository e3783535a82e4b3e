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

std::string forbiddenResponse(const QString &reason);

// Ends our side after what was written: takes what the client sent (unread
// bytes at close() would turn the FIN into a reset that can overtake the
// answer), then sends the FIN. The caller still closes the descriptor.
void endGracefully(int fd);

} // namespace paddock::egress
