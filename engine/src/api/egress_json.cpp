// JSON shapes of egress values (paddock/egress.h) on the local API.
#include "json_codec.h"

#include <QJsonArray>

namespace paddock::api {

namespace {

QString isoTime(const QDateTime &t) { return t.toString(Qt::ISODateWithMs); }

} // namespace

QJsonObject toJson(const EgressRule &r)
{
    QJsonObject o { { QStringLiteral("id"), r.id },
                    { QStringLiteral("pattern"), r.pattern },
                    { QStringLiteral("port"), int(r.port) },
                    { QStringLiteral("action"), egressActionName(r.action) },
                    { QStringLiteral("reason"), r.reason },
                    { QStringLiteral("method"), r.method },
                    { QStringLiteral("path"), r.path },
                    { QStringLiteral("inject"), egressInjectionsToJson(r.inject) },
                    { QStringLiteral("handler"), egressHandlerToJson(r.handler) },
                    { QStringLiteral("scope"), r.sandboxId.isEmpty() ? QStringLiteral("global") : r.sandboxId } };
    return o;
}

QJsonObject toJson(const EgressLogEntry &e)
{
    return QJsonObject { { QStringLiteral("id"), e.id },
                         { QStringLiteral("time"), isoTime(e.time) },
                         { QStringLiteral("sandbox"), e.sandboxId },
                         { QStringLiteral("host"), e.host },
                         { QStringLiteral("address"), e.address },
                         { QStringLiteral("port"), int(e.port) },
                         { QStringLiteral("protocol"), e.protocol },
                         { QStringLiteral("verdict"), egressVerdictName(e.verdict) },
                         { QStringLiteral("ruleId"), e.ruleId },
                         { QStringLiteral("rule"), e.rule },
                         { QStringLiteral("reason"), e.reason },
                         { QStringLiteral("request"), e.request },
                         { QStringLiteral("upstream"), e.upstream },
                         { QStringLiteral("bytesOut"), e.bytesOut },
                         { QStringLiteral("bytesIn"), e.bytesIn },
                         { QStringLiteral("durationMs"), e.durationMs },
                         { QStringLiteral("process"), e.process },
                         { QStringLiteral("open"), e.open },
                         { QStringLiteral("failure"), e.failure },
                         { QStringLiteral("status"), e.status },
                         { QStringLiteral("httpVersion"), e.httpVersion },
                         { QStringLiteral("secrets"), QJsonArray::fromStringList(e.secrets) },
                         { QStringLiteral("requestHeaders"), e.requestHeaders },
                         { QStringLiteral("responseHeaders"), e.responseHeaders } };
}

QJsonObject toJson(const EgressQuestion &q)
{
    return QJsonObject { { QStringLiteral("id"), q.id },
                         { QStringLiteral("sandbox"), q.sandboxId },
                         { QStringLiteral("sandboxName"), q.sandboxName },
                         { QStringLiteral("host"), q.host },
                         { QStringLiteral("address"), q.address },
                         { QStringLiteral("port"), int(q.port) },
                         { QStringLiteral("method"), q.method },
                         { QStringLiteral("path"), q.path },
                         { QStringLiteral("process"), q.process },
                         { QStringLiteral("askedAt"), isoTime(q.askedAt) },
                         { QStringLiteral("deadline"), isoTime(q.deadline) } };
}

QJsonObject toJson(const HostOverride &o)
{
    return QJsonObject { { QStringLiteral("name"), o.name },
                         { QStringLiteral("address"), o.address },
                         { QStringLiteral("port"), int(o.port) } };
}

QJsonObject toJson(const TrustedUpstreamCa &ca)
{
    return QJsonObject { { QStringLiteral("fingerprint"), ca.fingerprint },
                         { QStringLiteral("subject"), ca.subject },
                         { QStringLiteral("notAfter"), isoTime(ca.notAfter) } };
}

Result<EgressRule> egressRuleFromJson(const QJsonObject &o)
{
    EgressRule r;
    r.pattern = o.value(QStringLiteral("pattern")).toString();
    const QJsonValue port = o.value(QStringLiteral("port"));
    if (!port.isUndefined() && !port.isNull()) {
        const int p = port.toInt(-1);
        if (p < 0 || p > 65535)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("port must be 0 (any) to 65535"));
        r.port = quint16(p);
    }
    auto action = egressActionFromName(o.value(QStringLiteral("action")).toString());
    if (!action)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("action must be allow, deny, ask or inspect"));
    r.action = *action;
    r.reason = o.value(QStringLiteral("reason")).toString();
    r.method = o.value(QStringLiteral("method")).toString().toUpper();
    r.path = o.value(QStringLiteral("path")).toString();
    auto inject = egressInjectionsFromJson(o.value(QStringLiteral("inject")));
    if (!inject)
        return tl::unexpected(inject.error());
    r.inject = std::move(*inject);
    auto handler = egressHandlerFromJson(o.value(QStringLiteral("handler")));
    if (!handler)
        return tl::unexpected(handler.error());
    r.handler = std::move(*handler);
    return r;
}

} // namespace paddock::api
