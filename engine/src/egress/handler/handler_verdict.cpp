#include "handler_verdict.h"

#include "handler_wire.h"
#include "paddock/egress.h"

#include <QJsonArray>
#include <QUrl>

namespace paddock::egress {

namespace {

constexpr qsizetype kMaxFields = 100;
constexpr qsizetype kMaxFieldBytes = 16 * 1024;
constexpr qsizetype kMaxTarget = 8 * 1024;
constexpr qsizetype kMaxReason = 500;

Error wrong(const QString &what)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("the handler's answer: ") + what,
        {} };
}

bool isTchar(QChar c)
{
    return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
        || QStringLiteral("!#$%&'*+-.^_`|~").contains(c);
}

bool isFieldValueChar(QChar c)
{
    return c == u'\t' || (c.unicode() >= 0x20 && c.unicode() != 0x7f);
}

Result<HandlerFields> readFields(const QJsonValue &json)
{
    if (json.isUndefined() || json.isNull()) return HandlerFields {};
    if (!json.isArray())
        return tl::unexpected(wrong(QStringLiteral("headers are a list of [name, value]")));
    const QJsonArray list = json.toArray();
    if (list.size() > kMaxFields)
        return tl::unexpected(wrong(QStringLiteral("at most %1 headers").arg(kMaxFields)));
    HandlerFields out;
    qsizetype total = 0;
    for (const QJsonValue &entry : list) {
        const QJsonArray pair = entry.toArray();
        if (pair.size() != 2 || !pair[0].isString() || !pair[1].isString())
            return tl::unexpected(
                wrong(QStringLiteral("headers are a list of [name, value] strings")));
        const QString name = pair[0].toString(), value = pair[1].toString();
        if (name.isEmpty() || name.size() > 100 || !std::all_of(name.begin(), name.end(), isTchar))
            return tl::unexpected(
                wrong(QStringLiteral("'%1' is not a header name").arg(name.left(100))));
        if (isReservedInjectionHeader(name))
            return tl::unexpected(wrong(
                QStringLiteral("the %1 header is Paddock's to write (framing, Host or one hop)")
                    .arg(name)));
        if (!std::all_of(value.begin(), value.end(), isFieldValueChar))
            return tl::unexpected(
                wrong(QStringLiteral("the %1 header holds a control character").arg(name)));
        out.emplace_back(name.toStdString(), value.toStdString());
        total += qsizetype(out.back().first.size() + out.back().second.size());
        if (total > kMaxFieldBytes)
            return tl::unexpected(
                wrong(QStringLiteral("headers are limited to %1 KiB").arg(kMaxFieldBytes / 1024)));
    }
    return out;
}

Result<std::string> readBody(const QJsonObject &message)
{
    auto body = takeBody(message);
    if (!body) return tl::unexpected(wrong(body.error().message));
    if (body->size() > kMaxHandlerBody)
        return tl::unexpected(
            wrong(QStringLiteral("a body is limited to %1 KiB").arg(kMaxHandlerBody / 1024)));
    return body->toStdString();
}

// A path of the connection's origin, or an absolute URL naming it: the
// connection is already to that host, and the rule was decided for it.
Result<std::string> readTarget(const QString &url, const HandlerOrigin &origin)
{
    if (url.isEmpty() || url.size() > kMaxTarget)
        return tl::unexpected(
            wrong(QStringLiteral("a request's url is a path or an https URL of this host")));
    if (url.startsWith(u'/')) {
        if (url.startsWith(QStringLiteral("//"))
            || !std::all_of(url.begin(), url.end(),
                [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; }))
            return tl::unexpected(
                wrong(QStringLiteral("the url '%1' is not a path (no spaces or control "
                                     "characters; encode them)")
                          .arg(url.left(200))));
        return url.toStdString();
    }
    const QUrl parsed(url, QUrl::StrictMode);
    const QString host = QString::fromStdString(origin.host);
    if (!parsed.isValid() || parsed.scheme() != QStringLiteral("https")
        || parsed.host().compare(host, Qt::CaseInsensitive) != 0 || parsed.port(443) != origin.port
        || !parsed.userInfo().isEmpty())
        return tl::unexpected(
            wrong(QStringLiteral("the url '%1' leaves %2: a handler may change the path and "
                                 "query, not where the request goes")
                      .arg(url.left(200), host)));
    const QByteArray path = parsed.path(QUrl::FullyEncoded).toLatin1();
    return readTarget(QString::fromLatin1((path.isEmpty() ? QByteArray("/") : path)
                          + (parsed.hasQuery() ? '?' + parsed.query(QUrl::FullyEncoded).toLatin1()
                                               : QByteArray())),
        origin);
}

Result<HandlerVerdict> readSend(const QJsonObject &request, const HandlerOrigin &origin)
{
    HandlerVerdict v { HandlerVerdict::Kind::Send };
    const QString method = request.value(QStringLiteral("method")).toString();
    if (method.isEmpty() || method.size() > 20
        || !std::all_of(
            method.begin(), method.end(), [](QChar c) { return c >= u'A' && c <= u'Z'; }))
        return tl::unexpected(
            wrong(QStringLiteral("'%1' is not an HTTP method in upper case").arg(method.left(20))));
    if (method == QStringLiteral("CONNECT"))
        return tl::unexpected(
            wrong(QStringLiteral("a handler cannot turn a request into a CONNECT")));
    v.method = method.toStdString();
    auto target = readTarget(request.value(QStringLiteral("url")).toString(), origin);
    if (!target) return tl::unexpected(target.error());
    v.target = std::move(*target);
    auto fields = readFields(request.value(QStringLiteral("headers")));
    if (!fields) return tl::unexpected(fields.error());
    v.fields = std::move(*fields);
    auto body = readBody(request);
    if (!body) return tl::unexpected(body.error());
    v.body = std::move(*body);
    return v;
}

Result<HandlerVerdict> readRespond(const QJsonObject &response)
{
    HandlerVerdict v { HandlerVerdict::Kind::Respond };
    const double status = response.value(QStringLiteral("status")).toDouble(-1);
    if (status != double(int(status)) || status < 200 || status > 599)
        return tl::unexpected(
            wrong(QStringLiteral("a response's status is a whole number from 200 to 599")));
    v.status = unsigned(status);
    auto fields = readFields(response.value(QStringLiteral("headers")));
    if (!fields) return tl::unexpected(fields.error());
    v.fields = std::move(*fields);
    auto body = readBody(response);
    if (!body) return tl::unexpected(body.error());
    v.body = std::move(*body);
    if ((v.status == 204 || v.status == 304) && !v.body.empty())
        return tl::unexpected(wrong(QStringLiteral("a %1 response has no body").arg(v.status)));
    return v;
}

HandlerVerdict readDeny(const QJsonObject &result)
{
    QString reason = result.value(QStringLiteral("reason")).toString().left(kMaxReason);
    for (QChar &c : reason)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f) c = u' ';
    HandlerVerdict v { HandlerVerdict::Kind::Deny };
    v.reason
        = (reason.trimmed().isEmpty() ? QStringLiteral("denied by the rule's handler") : reason)
              .toStdString();
    return v;
}

} // namespace

Result<HandlerVerdict> readHandlerVerdict(const QJsonObject &result, const HandlerOrigin &origin)
{
    const QString action = result.value(QStringLiteral("action")).toString();
    if (action == QStringLiteral("send"))
        return readSend(result.value(QStringLiteral("request")).toObject(), origin);
    if (action == QStringLiteral("respond"))
        return readRespond(result.value(QStringLiteral("response")).toObject());
    if (action == QStringLiteral("deny")) return readDeny(result);
    return tl::unexpected(
        wrong(QStringLiteral("it is not a request, Paddock.respond(…) or Paddock.deny(…)")));
}

} // namespace paddock::egress
