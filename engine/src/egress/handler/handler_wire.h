// What the engine and paddock-handler (engine/handler/) say to each other
// over the helper's stdin and stdout: JSON objects, each framed by a 4-byte
// big-endian length.
//
//   engine → helper  a call: {"id", "scope", "secretNames", "name", "source", "timeoutMs",
//                    "request": {method, url, headers: [[name, value]…],
//                                body | bodyBase64}, "secrets": {NAME: value}}
//   helper → engine  its reply: {"id", "ok": true, "result": {…}, "logs": […]}
//                    or {"id", "ok": false, "error": "…", "logs": […]}
//
// The result is what the script's handle() returned, in the shape
// handler_verdict.h reads. Both ends bound a frame's size, so neither can
// make the other buffer without end.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace paddock::egress {

// A call carries a script, a request body and secrets; a reply, a body.
inline constexpr qsizetype kMaxHandlerFrame = 8 * 1024 * 1024;

QByteArray handlerFrame(const QJsonObject &message);

// Collects bytes and cuts them into messages.
class HandlerFrameReader {
public:
    void append(const QByteArray &bytes) { m_buffer += bytes; }
    // The next whole message; nullopt: more bytes are needed. An error
    // (an oversized frame, not a JSON object) leaves the stream unusable.
    std::optional<Result<QJsonObject>> next();

private:
    QByteArray m_buffer;
};

// A body as it travels in JSON: text when it is UTF-8, else base64.
void putBody(QJsonObject &into, const QByteArray &body);
// Reads `body` or `bodyBase64`; an error names which is malformed.
Result<QByteArray> takeBody(const QJsonObject &from);

} // namespace paddock::egress
