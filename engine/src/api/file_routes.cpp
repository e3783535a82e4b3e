// The API's file routes (ApiRoutes' handlers for /v1/sandboxes/:sb/files/…):
//   GET  …/files/stat?path=P         → FileInfo JSON
//   GET  …/files/list?path=P         → {"path", "entries": [FileInfo…]}
//   GET  …/files/content?path=P      → the bytes, streamed (chunked)
//   PUT  …/files/content?path=P[&mode=644]   body: the bytes, streamed (atomic replace)
//   POST …/files/mkdir  {"path", "parents"}
//   POST …/files/remove {"path", "recursive"}
//   POST …/files/move   {"from", "to"}
#include "api_routes.h"

#include "json_codec.h"

#include <QJsonArray>
#include <QPointer>

namespace paddock::api {

namespace {

// Above this much not yet sent on to the sandbox, an upload's client waits.
constexpr qint64 kMaxPendingUploadBytes = 8 * 1024 * 1024;

Result<QString> pathParam(const HttpRequest &req, const QString &name = QStringLiteral("path"))
{
    QString path = req.query.queryItemValue(name, QUrl::FullyDecoded);
    if (path.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("missing ?%1= (a path inside the sandbox)").arg(name));
    return path;
}

// A JSON body in which each of `required` is a non-empty string.
Result<QJsonObject> bodyWithStrings(const HttpRequest &req, std::initializer_list<const char *> required)
{
    auto body = parseBody(req);
    if (!body)
        return body;
    for (const char *name : required)
        if (body->value(QLatin1String(name)).toString().isEmpty())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" is required").arg(QLatin1String(name)));
    return body;
}

// Answers a request whose result is only success or an error.
Callback<void> answerDone(HttpConnection *conn, QJsonObject ok)
{
    QPointer<HttpConnection> guard(conn);
    return [guard, ok](Result<void> r) {
        if (!guard)
            return;
        r ? guard->respondJson(200, ok) : respondError(guard, r.error());
    };
}

} // namespace

void ApiRoutes::statFile(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto path = pathParam(req);
    if (!path)
        return respondError(conn, path.error());
    QPointer<HttpConnection> guard(conn);
    m_engine.statFile(p[0], *path, [guard](Result<FileInfo> r) {
        if (guard)
            r ? guard->respondJson(200, toJson(*r)) : respondError(guard, r.error());
    });
}

void ApiRoutes::listFiles(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto path = pathParam(req);
    if (!path)
        return respondError(conn, path.error());
    QPointer<HttpConnection> guard(conn);
    m_engine.listFiles(p[0], *path, [guard, path = *path](Result<QList<FileInfo>> r) {
        if (!guard)
            return;
        if (!r)
            return respondError(guard, r.error());
        QJsonArray entries;
        for (const FileInfo &f : *r)
            entries.append(toJson(f));
        guard->respondJson(200, QJsonObject { { QStringLiteral("path"), sandboxPath(path) },
                                              { QStringLiteral("entries"), entries } });
    });
}

// The stream begins with the first bytes, so an error before them is still
// a proper JSON error; one after them cuts the stream short. A client that
// reads slowly pauses the download instead of growing the engine's memory.
void ApiRoutes::readFile(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto path = pathParam(req);
    if (!path)
        return respondError(conn, path.error());
    auto download = m_engine.openDownload(p[0], *path);
    if (!download)
        return respondError(conn, download.error());
    FileDownload *d = *download;
    auto begin = [conn] {
        if (!conn->isStreaming())
            conn->beginStream(200, "application/octet-stream");
    };
    QObject::connect(d, &FileDownload::data, conn, [conn, d, begin](const QByteArray &bytes) {
        begin();
        conn->writeChunk(bytes);
        if (conn->pendingBytes() > kMaxPendingStreamBytes)
            d->setPaused(true);
    });
    QObject::connect(conn, &HttpConnection::drained, d, [d] { d->setPaused(false); });
    QObject::connect(d, &FileDownload::finished, conn, [conn, d, begin] {
        begin();
        conn->endStream();
        d->deleteLater();
    });
    QObject::connect(d, &FileDownload::failed, conn, [conn, d](const Error &e) {
        conn->isStreaming() ? conn->close() : respondError(conn, e);
        d->deleteLater();
    });
    QPointer<FileDownload> guard(d);
    QObject::connect(conn, &HttpConnection::closed, conn, [guard] {
        if (guard)
            guard->deleteLater();
    });
}

// The body streams into the sandbox as it arrives: the client is held back
// (through the socket) while the sandbox is behind, so no upload, however
// large, is ever held in memory.
void ApiRoutes::writeFile(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto path = pathParam(req);
    if (!path)
        return respondError(conn, path.error());
    bool ok = true;
    const QString modeText = req.query.queryItemValue(QStringLiteral("mode"));
    uint mode = modeText.isEmpty() ? 0644 : modeText.toUInt(&ok, 8);
    if (!ok || mode > 07777)
        return respondError(conn, Error { ErrorCode::InvalidArgument, QStringLiteral("mode must be octal, like 644") });
    // HttpConnection streams every upload's body (it refuses one without a length).
    const QJsonObject ok200 { { QStringLiteral("path"), sandboxPath(*path) },
                              { QStringLiteral("size"), double(req.streamedBodyLength) } };
    auto upload = m_engine.openUpload(p[0], *path, mode);
    if (!upload)
        return respondError(conn, upload.error());
    QPointer<FileUpload> up(*upload);
    QPointer<HttpConnection> guard(conn);
    QObject::connect(conn, &HttpConnection::bodyData, up, [up, guard](const QByteArray &bytes) {
        up->write(bytes);
        if (guard && up->pendingBytes() > kMaxPendingUploadBytes)
            guard->pauseBody(true);
    });
    QObject::connect(up, &FileUpload::drained, conn, [guard] {
        if (guard)
            guard->pauseBody(false);
    });
    QObject::connect(conn, &HttpConnection::bodyFinished, up, [up, guard, ok200] {
        up->finish([guard, ok200](Result<void> r) {
            if (guard)
                r ? guard->respondJson(200, ok200) : respondError(guard, r.error());
        });
    });
    // The client went away midway: the half-written file is dropped (an
    // upload deleted before it finished tells the helper so).
    QObject::connect(conn, &HttpConnection::closed, up, [up] {
        if (up)
            up->deleteLater();
    });
}

void ApiRoutes::makeDirectory(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = bodyWithStrings(req, { "path" });
    if (!body)
        return respondError(conn, body.error());
    const QString path = body->value(QStringLiteral("path")).toString();
    m_engine.makeDirectory(p[0], path, body->value(QStringLiteral("parents")).toBool(),
                           answerDone(conn, QJsonObject { { QStringLiteral("path"), sandboxPath(path) } }));
}

void ApiRoutes::removePath(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = bodyWithStrings(req, { "path" });
    if (!body)
        return respondError(conn, body.error());
    const QString path = body->value(QStringLiteral("path")).toString();
    m_engine.removePath(p[0], path, body->value(QStringLiteral("recursive")).toBool(),
                        answerDone(conn, QJsonObject { { QStringLiteral("removed"), sandboxPath(path) } }));
}

void ApiRoutes::movePath(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = bodyWithStrings(req, { "from", "to" });
    if (!body)
        return respondError(conn, body.error());
    const QString from = body->value(QStringLiteral("from")).toString();
    const QString to = body->value(QStringLiteral("to")).toString();
    m_engine.movePath(p[0], from, to,
                      answerDone(conn, QJsonObject { { QStringLiteral("from"), sandboxPath(from) },
                                                     { QStringLiteral("to"), sandboxPath(to) } }));
}

} // namespace paddock::api
