#include "handler_trial.h"

#include "handler_verdict.h"
#include "secret_masking.h"

#include "egress/http_target.h"

#include <QJsonArray>
#include <QUrl>

namespace paddock::egress {

namespace {

QString masked(const QString &text, const std::map<std::string, std::string> &secrets)
{
    return maskSecretValues(text, secrets);
}

QJsonArray fieldsJson(
    const HandlerFields &fields, const std::map<std::string, std::string> &secrets)
{
    QJsonArray out;
    for (const auto &[name, value] : fields)
        out.append(QJsonArray {
            QString::fromStdString(name), masked(QString::fromStdString(value), secrets) });
    return out;
}

QJsonObject withBody(
    QJsonObject o, const std::string &body, const std::map<std::string, std::string> &secrets)
{
    putBody(o, QByteArray::fromStdString(body));
    if (o.contains(QStringLiteral("body")))
        o.insert(
            QStringLiteral("body"), masked(o.value(QStringLiteral("body")).toString(), secrets));
    return o;
}

QJsonObject report(const QString &outcome, const QStringList &logs,
    const std::map<std::string, std::string> &secrets)
{
    QJsonArray lines;
    for (const QString &line : logs)
        lines.append(masked(line, secrets));
    return QJsonObject { { QStringLiteral("outcome"), outcome },
        { QStringLiteral("logs"), lines } };
}

QJsonArray headerPairs(const QJsonValue &headers)
{
    if (headers.isArray()) return headers.toArray();
    QJsonArray out;
    const QJsonObject o = headers.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        out.append(QJsonArray { it.key(), it.value().toString() });
    return out;
}

} // namespace

Result<QJsonObject> handlerSampleRequest(const QJsonObject &sample)
{
    const QUrl url(sample.value(QStringLiteral("url")).toString(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QStringLiteral("https") || url.host().isEmpty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("a sample request needs an https URL (https://api.example.com/path)"));
    QJsonObject request {
        { QStringLiteral("method"),
            sample.value(QStringLiteral("method")).toString(QStringLiteral("GET")) },
        { QStringLiteral("url"), url.toString(QUrl::FullyEncoded) },
        { QStringLiteral("headers"), headerPairs(sample.value(QStringLiteral("headers"))) }
    };
    const QString method = request.value(QStringLiteral("method")).toString();
    if (method.isEmpty() || !std::all_of(method.begin(), method.end(), [](QChar c) {
            return c >= u'A' && c <= u'Z';
        }))
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("'%1' is not an HTTP method in upper case (GET, POST, …)")
                .arg(method.left(20)));
    auto body = takeBody(sample);
    if (!body) return tl::unexpected(body.error());
    if (body->size() > kMaxHandlerBody)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("a sample body is limited to %1 KiB").arg(kMaxHandlerBody / 1024));
    putBody(request, *body);
    return request;
}

void tryHandler(HandlerRunner &runner, const EgressHandler &handler, const QJsonObject &request,
    std::map<std::string, std::string> secrets, std::function<void(QJsonObject)> done)
{
    QJsonObject values;
    for (const auto &[name, value] : secrets)
        values.insert(QString::fromStdString(name), QString::fromStdString(value));
    const QUrl url(request.value(QStringLiteral("url")).toString());
    const HandlerOrigin origin { url.host().toStdString(), uint16_t(url.port(443)) };
    const QString trialSandbox = QStringLiteral("(trial)"); // its own turn, beside the sandboxes'
    runner.run(HandlerCall { trialSandbox, QString(), handler, request, values },
        [secrets = std::move(secrets), origin, done = std::move(done)](
            std::variant<HandlerReply, HandlerFailure> outcome) {
            if (auto *failure = std::get_if<HandlerFailure>(&outcome)) {
                QJsonObject r = report(QStringLiteral("error"), failure->logs, secrets);
                r.insert(QStringLiteral("error"), masked(failure->error, secrets));
                r.insert(QStringLiteral("stage"),
                    failure->compiling ? QStringLiteral("compile") : QStringLiteral("run"));
                return done(r);
            }
            const HandlerReply &reply = std::get<HandlerReply>(outcome);
            auto verdict = readHandlerVerdict(reply.result, origin);
            if (!verdict) {
                QJsonObject r = report(QStringLiteral("error"), reply.logs, secrets);
                r.insert(QStringLiteral("error"), masked(verdict.error().message, secrets));
                return done(r);
            }
            switch (verdict->kind) {
            case HandlerVerdict::Kind::Deny: {
                QJsonObject r = report(QStringLiteral("deny"), reply.logs, secrets);
                r.insert(QStringLiteral("reason"),
                    masked(QString::fromStdString(verdict->reason), secrets));
                return done(r);
            }
            case HandlerVerdict::Kind::Respond: {
                QJsonObject r = report(QStringLiteral("respond"), reply.logs, secrets);
                r.insert(QStringLiteral("response"),
                    withBody(
                        QJsonObject { { QStringLiteral("status"), int(verdict->status) },
                            { QStringLiteral("headers"), fieldsJson(verdict->fields, secrets) } },
                        verdict->body, secrets));
                return done(r);
            }
            case HandlerVerdict::Kind::Send: {
                // As the gate would: a path it cannot send canonically is denied.
                if (const HttpTarget target = normalizeOriginForm(verdict->target); !target.ok()) {
                    QJsonObject r = report(QStringLiteral("error"), reply.logs, secrets);
                    r.insert(QStringLiteral("error"),
                        masked(QStringLiteral("the handler's url '%1': %2")
                                   .arg(QString::fromStdString(verdict->target).left(200),
                                       QString::fromStdString(target.problem)),
                            secrets));
                    return done(r);
                }
                QJsonObject r = report(QStringLiteral("send"), reply.logs, secrets);
                const QString host = QString::fromStdString(origin.host)
                    + (origin.port == 443 ? QString() : QStringLiteral(":%1").arg(origin.port));
                r.insert(QStringLiteral("request"),
                    withBody(
                        QJsonObject {
                            { QStringLiteral("method"), QString::fromStdString(verdict->method) },
                            { QStringLiteral("url"),
                                masked(QStringLiteral("https://") + host
                                        + QString::fromStdString(verdict->target),
                                    secrets) },
                            { QStringLiteral("headers"), fieldsJson(verdict->fields, secrets) } },
                        verdict->body, secrets));
                return done(r);
            }
            }
        });
}

} // namespace paddock::egress
