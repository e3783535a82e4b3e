#include "handler_natives.h"

#include <QCryptographicHash>
#include <QJSEngine>
#include <QMessageAuthenticationCode>

namespace paddock::handler {

std::optional<QByteArray> HandlerNatives::bytesOf(
    const QString &text, const QString &encoding, const char *what) const
{
    if (encoding == QStringLiteral("utf8")) return text.toUtf8();
    if (encoding == QStringLiteral("hex")) return QByteArray::fromHex(text.toLatin1());
    if (encoding == QStringLiteral("base64")) {
        auto decoded = QByteArray::fromBase64Encoding(
            text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (decoded) return *decoded;
    }
    if (QJSEngine *engine = qjsEngine(this))
        engine->throwError(QJSValue::TypeError,
            encoding == QStringLiteral("base64")
                ? QStringLiteral("the %1 is not base64").arg(QLatin1String(what))
                : QStringLiteral("%1Encoding is 'utf8', 'hex' or 'base64'")
                      .arg(QLatin1String(what)));
    return std::nullopt;
}

QString HandlerNatives::encoded(const QByteArray &bytes, const QString &encoding) const
{
    if (encoding == QStringLiteral("hex")) return QString::fromLatin1(bytes.toHex());
    if (encoding == QStringLiteral("base64")) return QString::fromLatin1(bytes.toBase64());
    if (QJSEngine *engine = qjsEngine(this))
        engine->throwError(QJSValue::TypeError, QStringLiteral("encoding is 'hex' or 'base64'"));
    return {};
}

QString HandlerNatives::hmacSha256(const QString &key, const QString &keyEncoding,
    const QString &data, const QString &dataEncoding, const QString &encoding) const
{
    const auto keyBytes = bytesOf(key, keyEncoding, "key");
    const auto dataBytes = keyBytes ? bytesOf(data, dataEncoding, "data") : std::nullopt;
    if (!dataBytes) return {};
    return encoded(
        QMessageAuthenticationCode::hash(*dataBytes, *keyBytes, QCryptographicHash::Sha256),
        encoding);
}

QString HandlerNatives::sha256(
    const QString &data, const QString &dataEncoding, const QString &encoding) const
{
    const auto bytes = bytesOf(data, dataEncoding, "data");
    if (!bytes) return {};
    return encoded(QCryptographicHash::hash(*bytes, QCryptographicHash::Sha256), encoding);
}

QString HandlerNatives::base64Encode(const QString &text) const
{
    return QString::fromLatin1(text.toUtf8().toBase64());
}

QString HandlerNatives::base64Decode(const QString &base64) const
{
    return QString::fromUtf8(QByteArray::fromBase64(base64.toLatin1()));
}

} // namespace paddock::handler
