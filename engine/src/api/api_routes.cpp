#include "api_routes.h"

#include "json_codec.h"

#include "paddock/log_stream.h"
#include "paddock/signal_names.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace paddock::api {

void respondError(HttpConnection *conn, const Error &e) { conn->respondJson(httpStatus(e.code), toJson(e)); }

Result<QJsonObject> parseBody(const HttpRequest &req)
{
    if (req.body.trimmed().isEmpty())
        return QJsonObject();
    QJsonParseError err;
    QJsonDocument doc = QJsonDocument::fromJson(req.body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("request body is not a JSON object: %1").arg(err.errorString()));
    return doc.object();
}

namespace {

// An event line: a chunk on a streamed response, a line on an upgraded one.
void send(HttpConnection *conn, const QByteArray &line)
{
    if (conn->isUpgraded())
        conn->writeLine(line);
    else
        conn->writeChunk(line);
}

// What the client of an interactive exec may send, one JSON object per line:
// {"type": "stdin", "data": base64}, {"type": "resize", "rows", "cols"},
// {"type": "eof"}, {"type": "signal", "signal": "INT"}. Anything else is ignored.
void applyClientMessage(ExecSession *s, const QByteArray &line)
{
    const QJsonObject m = QJsonDocument::fromJson(line).object();
    const QString type = m.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("stdin")) {
        s->write(QByteArray::fromBase64(m.value(QStringLiteral("data")).toString().toLatin1()));
    } else if (type == QLatin1String("resize")) {
        if (auto size = validTerminalSize(m.value(QStringLiteral("rows")).toInt(), m.value(QStringLiteral("cols")).toInt()))
            s->resize(*size);
    } else if (type == QLatin1String("eof")) {
        s->closeStdin();
    } else if (type == QLatin1String("signal")) {
        if (auto sig = parseSignal(m.value(QStringLiteral("signal")).toString()))
            s->kill(*sig);
    }
}

// Path matching: "/v1/sandboxes/:sb" against "/v1/sandboxes/web".
bool matchPath(const char *pattern, const QString &path, QStringList &params)
{
    const QStringList want = QString::fromLatin1(pattern).split(QLatin1Char('/'));
    const QStringList got = path.split(QLatin1Char('/'));
    if (want.size() != got.size())
        return false;
    params.clear();
    for (qsizetype i = 0; i < want.size(); ++i) {
        if (want[i].startsWith(QLatin1Char(':'))) {
            if (got[i].isEmpty())
                return false;
            params.append(QUrl::fromPercentEncoding(got[i].toUtf8())); // "a%2Fb" names "a/b"
        } else if (want[i] != got[i]) {
            return false;
        }
    }
    return true;
}

} // namespace

const ApiRoutes::Route ApiRoutes::kRoutes[] = {
    { "GET", "/v1/version", &ApiRoutes::version },
    { "POST", "/v1/engine/shutdown", &ApiRoutes::shutdownEngine },
    { "GET", "/v1/sandboxes", &ApiRoutes::listSandboxes },
    { "POST", "/v1/sandboxes", &ApiRoutes::createSandbox },
    { "GET", "/v1/sandboxes/:sb", &ApiRoutes::getSandbox },
    { "DELETE", "/v1/sandboxes/:sb", &ApiRoutes::removeSandbox },
    { "POST", "/v1/sandboxes/:sb/start", &ApiRoutes::startSandbox },
    { "POST", "/v1/sandboxes/:sb/stop", &ApiRoutes::stopSandbox },
    { "POST", "/v1/sandboxes/:sb/exec", &ApiRoutes::exec },
    { "POST", "/v1/sandboxes/:sb/processes", &ApiRoutes::spawn },
    { "GET", "/v1/sandboxes/:sb/processes", &ApiRoutes::listProcesses },
    { "GET", "/v1/sandboxes/:sb/processes/:proc", &ApiRoutes::getProcess },
    { "POST", "/v1/sandboxes/:sb/processes/:proc/kill", &ApiRoutes::killProcess },
    { "GET", "/v1/sandboxes/:sb/processes/:proc/logs", &ApiRoutes::processLogs },
    { "GET", "/v1/sandboxes/:sb/processes/:proc/wait", &ApiRoutes::waitProcess },
    { "GET", "/v1/sandboxes/:sb/files/stat", &ApiRoutes::statFile },
    { "GET", "/v1/sandboxes/:sb/files/list", &ApiRoutes::listFiles },
    { "GET", "/v1/sandboxes/:sb/files/content", &ApiRoutes::readFile },
    { "PUT", "/v1/sandboxes/:sb/files/content", &ApiRoutes::writeFile },
    { "POST", "/v1/sandboxes/:sb/files/mkdir", &ApiRoutes::makeDirectory },
    { "POST", "/v1/sandboxes/:sb/files/remove", &ApiRoutes::removePath },
    { "POST", "/v1/sandboxes/:sb/files/move", &ApiRoutes::movePath },
    { "GET", "/v1/sandboxes/:sb/watch", &ApiRoutes::watchFiles },
    { "GET", "/v1/sandboxes/:sb/usage", &ApiRoutes::sandboxUsage },
    { "GET", "/v1/sandboxes/:sb/usage/history", &ApiRoutes::usageHistory },
    { "PATCH", "/v1/sandboxes/:sb/limits", &ApiRoutes::updateLimits },
    { "GET", "/v1/resources", &ApiRoutes::resourceMode },
    { "GET", "/v1/egress/rules", &ApiRoutes::egressRules },
    { "POST", "/v1/egress/rules", &ApiRoutes::addEgressRule },
    { "PUT", "/v1/egress/rules/:id", &ApiRoutes::updateEgressRule },
    { "DELETE", "/v1/egress/rules/:id", &ApiRoutes::removeEgressRule },
    { "POST", "/v1/egress/rules/:id/move", &ApiRoutes::moveEgressRule },
    { "GET", "/v1/egress/settings", &ApiRoutes::egressSettings },
    { "PUT", "/v1/egress/settings", &ApiRoutes::setEgressSettings },
    { "GET", "/v1/egress/log", &ApiRoutes::egressLog },
    { "GET", "/v1/egress/questions", &ApiRoutes::egressQuestions },
    { "POST", "/v1/egress/questions/:id/answer", &ApiRoutes::answerEgressQuestion },
    { "GET", "/v1/egress/overrides", &ApiRoutes::hostOverrides },
    { "PUT", "/v1/egress/overrides/:name", &ApiRoutes::setHostOverride },
    { "DELETE", "/v1/egress/overrides/:name", &ApiRoutes::removeHostOverride },
    { "POST", "/v1/egress/handlers/try", &ApiRoutes::tryEgressHandler },
    { "GET", "/v1/egress/trusted-cas", &ApiRoutes::trustedCas },
    { "POST", "/v1/egress/trusted-cas", &ApiRoutes::trustCa },
    { "DELETE", "/v1/egress/trusted-cas/:fingerprint", &ApiRoutes::untrustCa },
    { "PUT", "/v1/egress/proxy", &ApiRoutes::setForwardProxy },
    { "GET", "/v1/egress/proxy", &ApiRoutes::forwardProxy },
    { "GET", "/v1/secrets", &ApiRoutes::secrets },
    { "PUT", "/v1/secrets/:name", &ApiRoutes::setSecret },
    { "DELETE", "/v1/secrets/:name", &ApiRoutes::removeSecret },
    { "POST", "/v1/secrets/:name/placeholder", &ApiRoutes::secretPlaceholder },
};

void ApiRoutes::handle(HttpConnection *conn, const HttpRequest &req)
{
    Params params;
    bool pathKnown = false;
    for (const Route &r : kRoutes) {
        if (!matchPath(r.pattern, req.path, params))
            continue;
        pathKnown = true;
        if (req.method == r.method)
            return (this->*r.handler)(conn, req, params);
    }
    conn->respondJson(pathKnown ? 405 : 404,
                      toJson(Error { ErrorCode::NotFound,
                                     QStringLiteral("no route for %1 %2").arg(QString::fromLatin1(req.method), req.path) }));
}

void ApiRoutes::version(HttpConnection *conn, const HttpRequest &, const Params &)
{
    conn->respondJson(200, QJsonObject { { QStringLiteral("version"), QStringLiteral(PADDOCK_VERSION) },
                                         { QStringLiteral("dataDir"), m_engine.paths().dataDir() } });
}

void ApiRoutes::shutdownEngine(HttpConnection *conn, const HttpRequest &, const Params &)
{
    if (!m_shutdown)
        return respondError(conn, Error { ErrorCode::Conflict, QStringLiteral("this engine does not stop on request") });
    conn->respondJson(202, QJsonObject { { QStringLiteral("stopping"), true } });
    QTimer::singleShot(0, m_shutdown); // after the answer is on its way; sandboxes keep running
}

void ApiRoutes::listSandboxes(HttpConnection *conn, const HttpRequest &, const Params &)
{
    auto all = m_engine.listSandboxes();
    if (!all)
        return respondError(conn, all.error());
    QJsonArray list;
    for (const SandboxInfo &sb : *all)
        list.append(toJson(sb));
    conn->respondJson(200, QJsonObject { { QStringLiteral("sandboxes"), list } });
}

void ApiRoutes::createSandbox(HttpConnection *conn, const HttpRequest &req, const Params &)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto limits = limitsChangeFromJson(body->value(QStringLiteral("limits")));
    if (!limits)
        return respondError(conn, limits.error());
    SandboxSpec spec { body->value(QStringLiteral("name")).toString(), {} };
    spec.limits.cpus = limits->cpus.value_or(0);
    spec.limits.memoryBytes = limits->memoryBytes.value_or(0);
    spec.limits.pids = limits->pids.value_or(0);
    auto sb = m_engine.createSandbox(spec);
    if (!sb)
        return respondError(conn, sb.error());
    conn->respondJson(201, toJson(*sb));
}

void ApiRoutes::getSandbox(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto sb = m_engine.sandbox(p[0]);
    sb ? conn->respondJson(200, toJson(*sb)) : respondError(conn, sb.error());
}

void ApiRoutes::startSandbox(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto sb = m_engine.startSandbox(p[0]);
    sb ? conn->respondJson(200, toJson(*sb)) : respondError(conn, sb.error());
}

void ApiRoutes::stopSandbox(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    QPointer<HttpConnection> guard(conn);
    m_engine.stopSandbox(p[0], [guard](Result<SandboxInfo> sb) {
        if (guard)
            sb ? guard->respondJson(200, toJson(*sb)) : respondError(guard, sb.error());
    });
}

void ApiRoutes::removeSandbox(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    QPointer<HttpConnection> guard(conn);
    bool force = req.query.queryItemValue(QStringLiteral("force")) == QLatin1String("1");
    m_engine.removeSandbox(p[0], force, [guard](Result<void> r) {
        if (guard)
            r ? guard->respondJson(200, QJsonObject { { QStringLiteral("removed"), true } })
              : respondError(guard, r.error());
    });
}

void ApiRoutes::exec(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto cmd = commandFromJson(*body);
    if (!cmd)
        return respondError(conn, cmd.error());
    const bool interactive = req.upgrade == kInteractiveExecProtocol;
    if ((cmd->terminal || cmd->openStdin) && !interactive)
        return respondError(conn, Error { ErrorCode::InvalidArgument,
                                          QStringLiteral("tty and stdin need 'Upgrade: %1'").arg(QLatin1String(kInteractiveExecProtocol)) });
    auto session = m_engine.exec(p[0], *cmd);
    if (!session)
        return respondError(conn, session.error());
    ExecSession *s = *session;
    // Headers wait for Started, so "not found" is an HTTP error, not a stream event.
    QObject::connect(s, &ExecSession::started, conn, [conn, interactive](qint64 pid) {
        if (interactive)
            conn->upgrade(kInteractiveExecProtocol);
        else
            conn->beginStream(200, "application/x-ndjson");
        send(conn, startEvent(pid));
    });
    QObject::connect(s, &ExecSession::output, conn,
                     [conn](OutputStream stream, const QByteArray &data) { send(conn, outputEvent(stream, data)); });
    QObject::connect(s, &ExecSession::finished, conn, [conn](ExitStatus st) {
        send(conn, exitEvent(st));
        conn->isStreaming() && !conn->isUpgraded() ? conn->endStream() : conn->close();
    });
    QObject::connect(s, &ExecSession::failed, conn, [conn](const Error &e) {
        if (!conn->isStreaming())
            return respondError(conn, e);
        // Mid-stream (the sandbox went away): the end is an error event.
        send(conn, errorEvent(e));
        conn->isUpgraded() ? conn->close() : conn->endStream();
    });
    if (interactive)
        QObject::connect(conn, &HttpConnection::lineReceived, s,
                         [s](const QByteArray &line) { applyClientMessage(s, line); });
    // The client hung up: the command was for it alone.
    QPointer<ExecSession> sessionGuard(s);
    QObject::connect(conn, &HttpConnection::closed, s, [sessionGuard] {
        if (sessionGuard)
            sessionGuard->kill(9);
    });
}

void ApiRoutes::spawn(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto cmd = commandFromJson(*body);
    if (!cmd)
        return respondError(conn, cmd.error());
    QPointer<HttpConnection> guard(conn);
    m_engine.spawn(p[0], *cmd, body->value(QStringLiteral("name")).toString(), [guard](Result<ProcessInfo> proc) {
        if (guard)
            proc ? guard->respondJson(201, toJson(*proc)) : respondError(guard, proc.error());
    });
}

void ApiRoutes::listProcesses(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto all = m_engine.processes(p[0]);
    if (!all)
        return respondError(conn, all.error());
    QJsonArray list;
    for (const ProcessInfo &proc : *all)
        list.append(toJson(proc));
    conn->respondJson(200, QJsonObject { { QStringLiteral("processes"), list } });
}

void ApiRoutes::getProcess(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    auto proc = m_engine.process(p[0], p[1]);
    proc ? conn->respondJson(200, toJson(*proc)) : respondError(conn, proc.error());
}

void ApiRoutes::killProcess(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    QJsonValue sigValue = body->value(QStringLiteral("signal"));
    QString sigText = sigValue.isDouble() ? QString::number(sigValue.toInt()) : sigValue.toString(QStringLiteral("TERM"));
    auto signal = parseSignal(sigText);
    if (!signal)
        return respondError(conn, Error { ErrorCode::InvalidArgument, QStringLiteral("unknown signal '%1'").arg(sigText) });
    QPointer<HttpConnection> guard(conn);
    m_engine.kill(p[0], p[1], *signal, [guard](Result<void> r) {
        if (guard)
            r ? guard->respondJson(200, QJsonObject { { QStringLiteral("signalled"), true } })
              : respondError(guard, r.error());
    });
}

void ApiRoutes::processLogs(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    bool follow = req.query.queryItemValue(QStringLiteral("follow")) == QLatin1String("1");
    auto stream = m_engine.logs(p[0], p[1], follow);
    if (!stream)
        return respondError(conn, stream.error());
    LogStream *s = *stream;
    conn->beginStream(200, "application/octet-stream");
    // Output the log lost is said in the stream, on a line of its own.
    auto atLineStart = std::make_shared<bool>(true);
    QObject::connect(s, &LogStream::data, conn, [conn, s, atLineStart](const QByteArray &bytes) {
        conn->writeChunk(bytes);
        *atLineStart = bytes.endsWith('\n');
        if (conn->pendingBytes() > kMaxPendingStreamBytes)
            s->setPaused(true);
    });
    QObject::connect(s, &LogStream::dropped, conn, [conn, atLineStart](qint64 bytes) {
        conn->writeChunk((*atLineStart ? QByteArray() : QByteArrayLiteral("\n")) + droppedNotice(bytes));
        *atLineStart = true;
    });
    QObject::connect(conn, &HttpConnection::drained, s, [s] { s->setPaused(false); });
    QObject::connect(s, &LogStream::finished, conn, &HttpConnection::endStream);
    QPointer<LogStream> streamGuard(s);
    QObject::connect(conn, &HttpConnection::closed, s, [streamGuard] {
        if (streamGuard)
            streamGuard->deleteLater();
    });
}

void ApiRoutes::waitProcess(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    WaitCondition until;
    until.logPattern = req.query.queryItemValue(QStringLiteral("log"), QUrl::FullyDecoded);
    until.timeoutMs = int(req.query.queryItemValue(QStringLiteral("timeout")).toDouble() * 1000);
    QPointer<HttpConnection> guard(conn);
    m_engine.wait(p[0], p[1], until, [guard](Result<WaitResult> r) {
        if (!guard)
            return;
        if (!r)
            return respondError(guard, r.error());
        QJsonObject o { { QStringLiteral("process"), toJson(r->process) } };
        if (!r->matchedLine.isNull())
            o.insert(QStringLiteral("line"), r->matchedLine);
        guard->respondJson(200, o);
    });
}

} // namespace paddock::api
