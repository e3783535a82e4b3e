// GET /v1/sandboxes/:sb/watch?path=P[&exclude=GLOB]…[&since=N]
// A chunked stream of JSON lines, one per event:
//   {"type":"ready","version":N}
//   {"type":"created"|"modified"|"deleted","path","directory","version"}
//   {"type":"moved","from","path","directory","version"}
//   {"type":"resync","version","reason","entries":[FileInfo with full paths…]}
//   {"type":"error","error":{…}}   (the watch ended; the stream closes)
// The stream lasts until the client hangs up.
#include "api_routes.h"

#include "json_codec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

namespace paddock::api {

namespace {

QByteArray line(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n'; }

QJsonObject eventJson(const FileEvent &e)
{
    QJsonObject o { { QStringLiteral("type"), fileChangeName(e.change) },
                    { QStringLiteral("path"), e.path },
                    { QStringLiteral("directory"), e.directory },
                    { QStringLiteral("version"), QString::number(e.version) } };
    if (e.change == FileChange::Moved)
        o.insert(QStringLiteral("from"), e.fromPath);
    return o;
}

} // namespace

void ApiRoutes::watchFiles(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    const QString path = req.query.queryItemValue(QStringLiteral("path"), QUrl::FullyDecoded);
    if (path.isEmpty())
        return respondError(conn, Error { ErrorCode::InvalidArgument, QStringLiteral("missing ?path=") });
    std::optional<quint64> since;
    if (req.query.hasQueryItem(QStringLiteral("since"))) {
        bool ok = false;
        since = req.query.queryItemValue(QStringLiteral("since")).toULongLong(&ok);
        if (!ok)
            return respondError(conn, Error { ErrorCode::InvalidArgument, QStringLiteral("since must be a version number") });
    }
    const QStringList excludes = req.query.allQueryItemValues(QStringLiteral("exclude"), QUrl::FullyDecoded);
    auto watch = m_engine.watchFiles(p[0], path, excludes, since);
    if (!watch)
        return respondError(conn, watch.error());
    FileWatch *w = *watch;
    conn->beginStream(200, "application/x-ndjson");
    QObject::connect(w, &FileWatch::ready, conn, [conn](quint64 v) {
        conn->writeChunk(line({ { QStringLiteral("type"), QStringLiteral("ready") }, { QStringLiteral("version"), QString::number(v) } }));
    });
    QObject::connect(w, &FileWatch::changed, conn, [conn](const QList<FileEvent> &events) {
        QByteArray batch;
        for (const FileEvent &e : events)
            batch += line(eventJson(e));
        conn->writeChunk(batch);
    });
    QObject::connect(w, &FileWatch::resynced, conn, [conn](const TreeSnapshot &s) {
        QJsonArray entries;
        for (const FileInfo &f : s.entries)
            entries.append(toJson(f));
        conn->writeChunk(line({ { QStringLiteral("type"), QStringLiteral("resync") },
                                { QStringLiteral("version"), QString::number(s.version) },
                                { QStringLiteral("reason"), s.reason },
                                { QStringLiteral("entries"), entries } }));
    });
    QObject::connect(w, &FileWatch::failed, conn, [conn](const Error &e) {
        QJsonObject o = toJson(e);
        o.insert(QStringLiteral("type"), QStringLiteral("error"));
        conn->writeChunk(line(o));
        conn->endStream();
    });
    // The client hanging up ends the subscription.
    QPointer<FileWatch> guard(w);
    QObject::connect(conn, &HttpConnection::closed, conn, [guard] {
        if (guard)
            guard->deleteLater();
    });
}

} // namespace paddock::api
