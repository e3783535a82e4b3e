// The egress routes. A rule list is a sandbox's (?sandbox=SB) or, without
// one, the global defaults.
//
//   GET    /v1/egress/rules[?sandbox=SB]               → {"rules": [rule…]} in order
//   POST   /v1/egress/rules   {sandbox?, pattern, port?, action, reason?, position?} → rule
//   PUT    /v1/egress/rules/:id   {sandbox?, pattern, port?, action, reason?}      → rule
//   DELETE /v1/egress/rules/:id[?sandbox=SB]
//   POST   /v1/egress/rules/:id/move   {sandbox?, position}
//   GET    /v1/egress/settings?sandbox=SB               → {"askUnlisted"}
//   PUT    /v1/egress/settings   {sandbox, askUnlisted}
//   GET    /v1/egress/log[?sandbox=SB&verdict=V&failed=1&host=H&before=ID&limit=N][&follow=1]
//          → {"entries": [newest first]}; with follow, JSON lines: the last
//            `limit` oldest first, then each decision as it happens
//   GET    /v1/egress/questions                         → {"questions": […]}
//   POST   /v1/egress/questions/:id/answer   {answer: allow-once|allow-always|deny-once|deny-always}
//   GET    /v1/egress/overrides                         → {"overrides": […]}
//   PUT    /v1/egress/overrides/:name   {address, port?}
//   DELETE /v1/egress/overrides/:name
//   POST   /v1/egress/handlers/try   {handler: {name, source, secrets}, request: {method, url, headers, body}}
//          → what the handler would do with it (egress/handler/handler_trial.h)
//   GET    /v1/egress/proxy                             → {fromEnvironment, https, http, noProxy}
//   PUT    /v1/egress/proxy   {fromEnvironment?, https?, http?, noProxy?} → the same
#include "api_routes.h"

#include "json_codec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>

#include <algorithm>

namespace paddock::api {

namespace {

QByteArray line(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n'; }

const QJsonObject kOk { { QStringLiteral("ok"), true } };

Result<qint64> ruleId(const QString &text)
{
    bool ok = false;
    qint64 id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not a rule ID").arg(text));
    return id;
}

// The host filter as the log shows a destination: "name:443" or
// "[2001:db8::1]:443" filter on the port too; a bare IPv6 address is all host.
void setHostFilter(EgressLogQuery &out, const QString &text)
{
    static const QRegularExpression withPort(QStringLiteral("^(\\[[^\\]]*\\]|[^:]*):(\\d{1,5})$"));
    const QRegularExpressionMatch m = withPort.match(text);
    const uint port = m.hasMatch() ? m.captured(2).toUInt() : 0;
    if (port == 0 || port > 65535) {
        out.hostContains = text;
        return;
    }
    out.hostContains = m.captured(1).remove(u'[').remove(u']');
    out.port = quint16(port);
}

Result<EgressLogQuery> logQuery(const QUrlQuery &q)
{
    EgressLogQuery out;
    out.sandbox = q.queryItemValue(QStringLiteral("sandbox"), QUrl::FullyDecoded);
    setHostFilter(out, q.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded));
    if (q.hasQueryItem(QStringLiteral("verdict"))) {
        out.verdict = egressVerdictFromName(q.queryItemValue(QStringLiteral("verdict")));
        if (!out.verdict)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("verdict must be allowed, denied or redirected"));
    }
    out.failedOnly = q.queryItemValue(QStringLiteral("failed")) == QLatin1String("1");
    out.beforeId = q.queryItemValue(QStringLiteral("before")).toLongLong();
    if (q.hasQueryItem(QStringLiteral("limit")))
        out.limit = std::clamp(q.queryItemValue(QStringLiteral("limit")).toInt(), 1, 10000);
    return out;
}

bool matches(const EgressLogQuery &q, const QString &sandboxId, const EgressLogEntry &e)
{
    return (sandboxId.isEmpty() || e.sandboxId == sandboxId) && (!q.verdict || *q.verdict == e.verdict)
        && (!q.failedOnly || !e.failure.isEmpty()) && (q.port == 0 || e.port == q.port)
        && (q.hostContains.isEmpty() || e.host.contains(q.hostContains, Qt::CaseInsensitive)
            || e.address.contains(q.hostContains));
}

} // namespace

void ApiRoutes::egressRules(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    const QString scope = req.query.queryItemValue(QStringLiteral("sandbox"), QUrl::FullyDecoded);
    auto rules = m_engine.egressRules(scope);
    if (!rules)
        return respondError(conn, rules.error());
    // A sandbox's rules decide before the global ones.
    const QList<EgressRule> global = scope.isEmpty() ? QList<EgressRule>() : m_engine.egressRules({}).value_or(QList<EgressRule>());
    QJsonArray list;
    for (qsizetype i = 0; i < rules->size(); ++i) {
        QJsonObject rule = toJson(rules->at(i));
        // A rule an earlier one hides never decides: worth saying wherever rules are shown.
        if (const auto shadow = shadowingEgressRule(*rules, i)) rule.insert(QStringLiteral("shadowedBy"), *shadow);
        QJsonArray hides;
        for (const EgressRule &g : egressRulesHiddenBy(rules->at(i), global))
            hides.append(toJson(g));
        if (!hides.isEmpty()) rule.insert(QStringLiteral("hidesGlobal"), hides);
        list.append(rule);
    }
    conn->respondJson(200, QJsonObject { { QStringLiteral("rules"), list } });
}

void ApiRoutes::addEgressRule(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto rule = egressRuleFromJson(*body);
    if (!rule)
        return respondError(conn, rule.error());
    auto added = m_engine.addEgressRule(body->value(QStringLiteral("sandbox")).toString(), *rule,
                                        body->value(QStringLiteral("position")).toInt(-1));
    added ? conn->respondJson(201, toJson(*added)) : respondError(conn, added.error());
}

void ApiRoutes::updateEgressRule(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto id = ruleId(p[0]);
    auto body = parseBody(req);
    if (!id || !body)
        return respondError(conn, id ? body.error() : id.error());
    auto rule = egressRuleFromJson(*body);
    if (!rule)
        return respondError(conn, rule.error());
    rule->id = *id;
    auto updated = m_engine.updateEgressRule(body->value(QStringLiteral("sandbox")).toString(), *rule);
    updated ? conn->respondJson(200, toJson(*updated)) : respondError(conn, updated.error());
}

void ApiRoutes::removeEgressRule(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto id = ruleId(p[0]);
    if (!id)
        return respondError(conn, id.error());
    auto r = m_engine.removeEgressRule(req.query.queryItemValue(QStringLiteral("sandbox"), QUrl::FullyDecoded), *id);
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

void ApiRoutes::moveEgressRule(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto id = ruleId(p[0]);
    auto body = parseBody(req);
    if (!id || !body)
        return respondError(conn, id ? body.error() : id.error());
    if (!body->value(QStringLiteral("position")).isDouble())
        return respondError(conn, Error { ErrorCode::InvalidArgument, QStringLiteral("missing \"position\"") });
    auto r = m_engine.moveEgressRule(body->value(QStringLiteral("sandbox")).toString(), *id,
                                     body->value(QStringLiteral("position")).toInt());
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

void ApiRoutes::egressSettings(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto s = m_engine.egressSettings(req.query.queryItemValue(QStringLiteral("sandbox"), QUrl::FullyDecoded));
    s ? conn->respondJson(200, QJsonObject { { QStringLiteral("askUnlisted"), s->askUnlisted } })
      : respondError(conn, s.error());
}

void ApiRoutes::setEgressSettings(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    EgressSettings s;
    s.askUnlisted = body->value(QStringLiteral("askUnlisted")).toBool();
    auto r = m_engine.setEgressSettings(body->value(QStringLiteral("sandbox")).toString(), s);
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

void ApiRoutes::egressLog(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto q = logQuery(req.query);
    if (!q)
        return respondError(conn, q.error());
    auto entries = m_engine.egressLog(*q);
    if (!entries)
        return respondError(conn, entries.error());
    if (req.query.queryItemValue(QStringLiteral("follow")) != QLatin1String("1")) {
        QJsonArray list;
        for (const EgressLogEntry &e : *entries)
            list.append(toJson(e));
        return conn->respondJson(200, QJsonObject { { QStringLiteral("entries"), list } });
    }
    conn->beginStream(200, "application/x-ndjson");
    QByteArray backlog;
    for (auto it = entries->crbegin(); it != entries->crend(); ++it)
        backlog += line(toJson(*it));
    if (!backlog.isEmpty()) // an empty chunk would end the stream
        conn->writeChunk(backlog);
    QString scope;
    if (!q->sandbox.isEmpty())
        if (auto sb = m_engine.sandbox(q->sandbox))
            scope = sb->id;
    // A follower too slow to take its lines loses some rather than growing the engine.
    QObject::connect(&m_engine, &Engine::egressLogged, conn, [conn, query = *q, scope](const EgressLogEntry &e) {
        if (matches(query, scope, e) && conn->pendingBytes() < kMaxPendingStreamBytes)
            conn->writeChunk(line(toJson(e)));
    });
}

void ApiRoutes::egressQuestions(HttpConnection *conn, const HttpRequest &, const Params &)
{
    QJsonArray list;
    for (const EgressQuestion &q : m_engine.egressQuestions())
        list.append(toJson(q));
    conn->respondJson(200, QJsonObject { { QStringLiteral("questions"), list } });
}

void ApiRoutes::answerEgressQuestion(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto answer = egressAnswerFromName(body->value(QStringLiteral("answer")).toString());
    if (!answer)
        return respondError(conn, Error { ErrorCode::InvalidArgument,
                                          QStringLiteral("answer must be allow-once, allow-always, deny-once or deny-always") });
    auto r = m_engine.answerEgressQuestion(p[0], *answer);
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

void ApiRoutes::hostOverrides(HttpConnection *conn, const HttpRequest &, const Params &)
{
    auto all = m_engine.hostOverrides();
    if (!all)
        return respondError(conn, all.error());
    QJsonArray list;
    for (const HostOverride &o : *all)
        list.append(toJson(o));
    conn->respondJson(200, QJsonObject { { QStringLiteral("overrides"), list } });
}

void ApiRoutes::setHostOverride(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    const int port = body->value(QStringLiteral("port")).toInt(0);
    if (port < 0 || port > 65535)
        return respondError(conn, Error { ErrorCode::InvalidArgument, QStringLiteral("port must be 0 (keep) to 65535") });
    auto r = m_engine.setHostOverride(HostOverride { p[0], body->value(QStringLiteral("address")).toString(), quint16(port) });
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

void ApiRoutes::removeHostOverride(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto r = m_engine.removeHostOverride(p[0]);
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

namespace {

QJsonObject trustedCasJson(const QList<TrustedUpstreamCa> &cas)
{
    QJsonArray list;
    for (const TrustedUpstreamCa &ca : cas)
        list.append(toJson(ca));
    return QJsonObject { { QStringLiteral("cas"), list } };
}

} // namespace

void ApiRoutes::trustedCas(HttpConnection *conn, const HttpRequest &, const Params &)
{
    auto all = m_engine.trustedUpstreamCas();
    all ? conn->respondJson(200, trustedCasJson(*all)) : respondError(conn, all.error());
}

void ApiRoutes::tryEgressHandler(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto handler = egressHandlerFromJson(body->value(QStringLiteral("handler")));
    if (!handler)
        return respondError(conn, handler.error());
    QPointer<HttpConnection> guard(conn);
    m_engine.tryEgressHandler(*handler, body->value(QStringLiteral("request")).toObject(), [guard](Result<QJsonObject> r) {
        if (guard)
            r ? guard->respondJson(200, *r) : respondError(guard, r.error());
    });
}

// Body: {"pem": "-----BEGIN CERTIFICATE-----…"}; answers with what was added.
void ApiRoutes::trustCa(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto added = m_engine.trustUpstreamCa(body->value(QStringLiteral("pem")).toString().toUtf8());
    added ? conn->respondJson(200, trustedCasJson(*added)) : respondError(conn, added.error());
}

void ApiRoutes::untrustCa(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto r = m_engine.untrustUpstreamCa(p[0]);
    r ? conn->respondJson(200, kOk) : respondError(conn, r.error());
}

void ApiRoutes::setForwardProxy(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    ForwardProxySettings s { body->value(QStringLiteral("fromEnvironment")).toBool(), body->value(QStringLiteral("https")).toString(),
                             body->value(QStringLiteral("http")).toString(), body->value(QStringLiteral("noProxy")).toString() };
    auto r = m_engine.setForwardProxy(s);
    r ? forwardProxy(conn, req, {}) : respondError(conn, r.error());
}

void ApiRoutes::forwardProxy(HttpConnection *conn, const HttpRequest &, const Params &)
{
    const ForwardProxySettings s = m_engine.forwardProxy();
    conn->respondJson(200, QJsonObject { { QStringLiteral("fromEnvironment"), s.fromEnvironment },
                                         { QStringLiteral("https"), s.httpsProxy },
                                         { QStringLiteral("http"), s.httpProxy },
                                         { QStringLiteral("noProxy"), s.noProxy } });
}

} // namespace paddock::api
