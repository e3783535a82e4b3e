#include "handler_natives.h"

#include <QCryptographicHash>
#include <QJSEngine>
#include <QMessageAuthenticationCode>

namespace paddock::handler {

namespace {

// Throws into the script: a typo in an encoding must not sign with garbage.
QString encoded(const QObject *self, const QByteArray &bytes, const QString &encoding)
{
    if (encoding == QStringLiteral("hex")) return QString::fromLatin1(bytes.toHex());
    if (encoding == QStringLiteral("base64")) return QString::fromLatin1(bytes.toBase64());
    if (QJSEngine *engine = qjsEngine(self))
        engine->throwError(QJSValue::TypeError, QStringLiteral("encoding is 'hex' or 'base64'"));
    return {};
}

} // namespace

QString HandlerNatives::hmacSha256(const QString &key, const QString &keyEncoding,
    const QString &data, const QString &encoding) const
{
    QByteArray keyBytes;
    if (keyEncoding == QStringLiteral("utf8")) {
        keyBytes = key.toUtf8();
    } else if (keyEncoding == QStringLiteral("hex")) {
        keyBytes = QByteArray::fromHex(key.toLatin1());
    } else if (keyEncoding == QStringLiteral("base64")) {
        keyBytes = QByteArray::fromBase64(key.toLatin1());
    } else {
        if (QJSEngine *engine = qjsEngine(this))
            engine->throwError(
                QJSValue::TypeError, QStringLiteral("keyEncoding is 'utf8', 'hex' or 'base64'"));
        return {};
    }
    return encoded(this,
        QMessageAuthenticationCode::hash(data.toUtf8(), keyBytes, QCryptographicHash::Sha256),
        encoding);
}

QString HandlerNatives::sha256(const QString &data, const QString &encoding) const
{
    return encoded(
        this, QCryptographicHash::hash(data.toUtf8(), QCryptographicHash::Sha256), encoding);
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
