// What a handler's script may call beyond plain JavaScript: digests and
// base64, for signing requests. Nothing here touches a file, a process or
// the network. Wrapped by the prelude's Paddock object (handler_prelude.js).
#pragma once

#include <QObject>

#include <optional>

namespace paddock::handler {

class HandlerNatives : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // keyEncoding, dataEncoding: "utf8" | "hex" | "base64"; encoding: "hex" | "base64".
    Q_INVOKABLE QString hmacSha256(const QString &key, const QString &keyEncoding,
        const QString &data, const QString &dataEncoding, const QString &encoding) const;
    Q_INVOKABLE QString sha256(
        const QString &data, const QString &dataEncoding, const QString &encoding) const;
    Q_INVOKABLE QString base64Encode(const QString &text) const;
    Q_INVOKABLE QString base64Decode(const QString &base64) const;

private:
    // Throw into the script: a typo in an encoding must not sign with garbage.
    std::optional<QByteArray> bytesOf(
        const QString &text, const QString &encoding, const char *what) const;
    QString encoded(const QByteArray &bytes, const QString &encoding) const;
};

} // namespace paddock::handler
