#include "handler_wire.h"

#include <QJsonDocument>
#include <QStringDecoder>

namespace paddock::egress {

QByteArray handlerFrame(const QJsonObject &message)
{
    const QByteArray json = QJsonDocument(message).toJson(QJsonDocument::Compact);
    const quint32 n = quint32(json.size());
    QByteArray out;
    out.reserve(4 + json.size());
    out.append(char(n >> 24)).append(char(n >> 16)).append(char(n >> 8)).append(char(n));
    return out + json;
}

std::optional<Result<QJsonObject>> HandlerFrameReader::next()
{
    if (m_buffer.size() < 4) return std::nullopt;
    const auto byte = [this](int i) { return quint32(quint8(m_buffer[i])); };
    const quint32 n = byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
    if (n > quint32(kMaxHandlerFrame))
        return Result<QJsonObject>(fail(ErrorCode::InvalidArgument,
            QStringLiteral("a handler message of %1 bytes is over the bound of %2")
                .arg(n)
                .arg(kMaxHandlerFrame)));
    if (quint32(m_buffer.size()) < 4 + n) return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(m_buffer.mid(4, qsizetype(n)), &error);
    m_buffer.remove(0, 4 + qsizetype(n));
    if (!doc.isObject())
        return Result<QJsonObject>(fail(ErrorCode::InvalidArgument,
            QStringLiteral("a handler message is not a JSON object: %1").arg(error.errorString())));
    return Result<QJsonObject>(doc.object());
}

void putBody(QJsonObject &into, const QByteArray &body)
{
    auto decoder = QStringDecoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(body);
    if (!decoder.hasError())
        into.insert(QStringLiteral("body"), text);
    else
        into.insert(QStringLiteral("bodyBase64"), QString::fromLatin1(body.toBase64()));
}

Result<QByteArray> takeBody(const QJsonObject &from)
{
    const QJsonValue text = from.value(QStringLiteral("body")),
                     base64 = from.value(QStringLiteral("bodyBase64"));
    if (!base64.isUndefined() && !base64.isNull()) {
        if (!base64.isString())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("bodyBase64 is a string"));
        auto decoded = QByteArray::fromBase64Encoding(
            base64.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("bodyBase64 is not base64"));
        return *decoded;
    }
    if (text.isUndefined() || text.isNull()) return QByteArray();
    if (!text.isString())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("body is a string (or null)"));
    return text.toString().toUtf8();
}

} // namespace paddock::egress
