// What a handler's script may call beyond plain JavaScript: digests and
// base64, for signing requests. Nothing here touches a file, a process or
// the network. Wrapped by the prelude's Paddock object (handler_prelude.js).
#pragma once

#include <QObject>

namespace paddock::handler {

class HandlerNatives : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // keyEncoding: "utf8" | "hex" | "base64"; encoding: "hex" | "base64".
    Q_INVOKABLE QString hmacSha256(const QString &key, const QString &keyEncoding,
        const QString &data, const QString &encoding) const;
    Q_INVOKABLE QString sha256(const QString &data, const QString &encoding) const;
    Q_INVOKABLE QString base64Encode(const QString &text) const;
    Q_INVOKABLE QString base64Decode(const QString &base64) const;
};

} // namespace paddock::handler
