// /v1/secrets: names and sources listed, values set and removed; no route
// ever answers with a value.
#include "api_routes.h"
#include "json_codec.h"

#include <QJsonArray>
#include <QPointer>

namespace paddock::api {

namespace {

const QJsonObject kOk { { QStringLiteral("ok"), true } };

} // namespace

QJsonObject toJson(const SecretInfo &s)
{
    QJsonObject o { { QStringLiteral("name"), s.name },
        { QStringLiteral("source"), secretSourceName(s.source) },
        { QStringLiteral("createdAt"), s.createdAt.toString(Qt::ISODateWithMs) },
        { QStringLiteral("updatedAt"), s.updatedAt.toString(Qt::ISODateWithMs) } };
    if (!s.problem.isEmpty()) o.insert(QStringLiteral("problem"), s.problem);
    if (s.source == SecretSource::Stored)
        o.insert(QStringLiteral("keptIn"), s.inKeyring ? QStringLiteral("keyring") : QStringLiteral("file"));
    if (s.source == SecretSource::Command) {
        o.insert(QStringLiteral("command"), s.command);
        o.insert(QStringLiteral("ttl"), s.ttlSeconds);
    }
    return o;
}

void ApiRoutes::secrets(HttpConnection *conn, const HttpRequest &, const Params &)
{
    auto all = m_engine.secrets();
    if (!all) return respondError(conn, all.error());
    QJsonArray list;
    for (const SecretInfo &s : *all)
        list.append(toJson(s));
    conn->respondJson(200, QJsonObject { { QStringLiteral("secrets"), list } });
}

// {"value": base64} stores a value; {"command": "...", "ttl": N} names a command.
void ApiRoutes::setSecret(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body) return respondError(conn, body.error());
    const QJsonValue value = body->value(QStringLiteral("value"));
    const QJsonValue command = body->value(QStringLiteral("command"));
    if (value.isString() == command.isString())
        return respondError(conn,
            Error { ErrorCode::InvalidArgument,
                QStringLiteral("give either \"value\" (base64) or \"command\"") });
    if (value.isString()) {
        const auto decoded = QByteArray::fromBase64Encoding(
            value.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            return respondError(conn,
                Error { ErrorCode::InvalidArgument, QStringLiteral("\"value\" is not base64") });
        auto r = m_engine.setSecret(p[0], *decoded);
        return r ? conn->respondJson(200, toJson(*r)) : respondError(conn, r.error());
    }
    const QJsonValue ttl = body->value(QStringLiteral("ttl"));
    if (!ttl.isUndefined() && (!ttl.isDouble() || ttl.toDouble() != double(ttl.toInt(-1))))
        return respondError(conn,
            Error { ErrorCode::InvalidArgument, QStringLiteral("\"ttl\" must be whole seconds") });
    QPointer<HttpConnection> guard(conn);
    m_engine.setSecretCommand(
        p[0], command.toString(), ttl.toInt(0), [guard](Result<SecretInfo> r) {
            if (guard) r ? guard->respondJson(200, toJson(*r)) : respondError(guard, r.error());
        });
}

// Says which rules still name the secret ("stillNamedBy": [{"id", "sandbox",
// "pattern"}]): their requests are refused until it is set again.
void ApiRoutes::removeSecret(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto naming = m_engine.rulesNamingSecret(p[0]);
    auto r = m_engine.removeSecret(p[0]);
    if (!r) return respondError(conn, r.error());
    QJsonArray named;
    for (const EgressRule &rule : naming.value_or(QList<EgressRule>()))
        named.append(QJsonObject { { QStringLiteral("id"), rule.id },
            { QStringLiteral("sandbox"), rule.sandboxId.isEmpty() ? QJsonValue() : QJsonValue(rule.sandboxId) },
            { QStringLiteral("pattern"), rule.pattern } });
    QJsonObject body = kOk;
    body.insert(QStringLiteral("stillNamedBy"), named);
    conn->respondJson(200, body);
}

// Made on first use, hence POST; the same placeholder every time after.
void ApiRoutes::secretPlaceholder(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto r = m_engine.secretPlaceholder(p[0]);
    r ? conn->respondJson(200, QJsonObject { { QStringLiteral("placeholder"), *r } }) : respondError(conn, r.error());
}

} // namespace paddock::api
