#include "api_client.h"

#include <QJsonDocument>
#include <QUrl>

#include <boost/beast/http.hpp>

#include <limits>
#include <sstream>

namespace http = boost::beast::http;

namespace paddock::cli {

namespace {

QByteArray serializeRequest(const QByteArray &method, const QString &target, const QByteArray &body,
                            const char *contentType, const QByteArray &upgrade = {})
{
    http::request<http::string_body> req { http::string_to_verb(method.toStdString()), target.toStdString(), 11 };
    req.set(http::field::host, "paddock");
    if (!upgrade.isEmpty()) {
        req.set(http::field::connection, "Upgrade");
        req.set(http::field::upgrade, upgrade.toStdString());
    }
    if (method != "GET" && method != "DELETE") {
        req.set(http::field::content_type, contentType);
        req.body() = body.toStdString();
    }
    req.prepare_payload();
    std::ostringstream os;
    os << req;
    return QByteArray::fromStdString(os.str());
}

QByteArray serializeRequest(const QByteArray &method, const QString &target, const QJsonObject &body,
                            const QByteArray &upgrade = {})
{
    return serializeRequest(method, target, QJsonDocument(body).toJson(QJsonDocument::Compact),
                            "application/json", upgrade);
}

Error lostConnection() { return Error { ErrorCode::Io, QStringLiteral("the engine closed the connection mid-answer") }; }

} // namespace

QJsonObject ApiResponse::json() const { return QJsonDocument::fromJson(body).object(); }

Error errorFromResponse(const ApiResponse &r)
{
    QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
    if (e.isEmpty())
        return Error { ErrorCode::Protocol, QStringLiteral("engine answered HTTP %1").arg(r.status) };
    return Error { errorCodeFromName(e.value(QStringLiteral("code")).toString()),
                   e.value(QStringLiteral("message")).toString(), e.value(QStringLiteral("step")).toString() };
}

Result<UnixStream> ApiClient::open()
{
    UnixStream stream;
    if (stream.connectTo(m_socketPath))
        return stream;
    if (m_onNoEngine && (errno == ENOENT || errno == ECONNREFUSED)) {
        if (auto started = m_onNoEngine(); !started)
            return tl::unexpected(started.error());
        UnixStream retry;
        if (retry.connectTo(m_socketPath))
            return retry;
    }
    return fail(ErrorCode::NotRunning, QStringLiteral("cannot reach the engine at %1: %2").arg(m_socketPath, qt_error_string(errno)));
}

Result<QJsonObject> ApiClient::call(const QByteArray &method, const QString &target, const QJsonObject &body)
{
    return callWith(serializeRequest(method, target, body));
}

Result<QJsonObject> ApiClient::upload(const QString &target, const QByteArray &bytes)
{
    return callWith(serializeRequest("PUT", target, bytes, "application/octet-stream"));
}

Result<QJsonObject> ApiClient::uploadFile(const QString &target, QIODevice &file, qint64 size)
{
    auto stream = open();
    if (!stream)
        return tl::unexpected(stream.error());
    http::request<http::empty_body> req { http::verb::put, target.toStdString(), 11 };
    req.set(http::field::host, "paddock");
    req.set(http::field::content_type, "application/octet-stream");
    req.content_length(std::uint64_t(size));
    std::ostringstream os;
    os << req.base();
    if (!stream->sendAll(QByteArray::fromStdString(os.str())))
        return tl::unexpected(lostConnection());
    for (qint64 sent = 0; sent < size;) {
        const QByteArray piece = file.read(qMin<qint64>(1 << 20, size - sent));
        if (piece.isEmpty())
            return fail(ErrorCode::Io, QStringLiteral("the file ended early: %1 of %2 bytes read").arg(sent).arg(size));
        if (!stream->sendAll(piece))
            return tl::unexpected(lostConnection()); // the engine said why: its answer is lost with it
        sent += piece.size();
    }
    QByteArray buffer;
    auto r = exchange(*stream, {}, buffer, nullptr);
    if (!r)
        return tl::unexpected(r.error());
    if (r->status / 100 != 2)
        return tl::unexpected(errorFromResponse(*r));
    return r->json();
}

Result<QJsonObject> ApiClient::callWith(const QByteArray &request)
{
    auto stream = open();
    if (!stream)
        return tl::unexpected(stream.error());
    QByteArray buffer;
    auto r = exchange(*stream, request, buffer, nullptr);
    if (!r)
        return tl::unexpected(r.error());
    if (r->status / 100 != 2)
        return tl::unexpected(errorFromResponse(*r));
    return r->json();
}

Result<void> ApiClient::stream(const QByteArray &method, const QString &target, const QJsonObject &body,
                               const DataSink &onData)
{
    auto stream = open();
    if (!stream)
        return tl::unexpected(stream.error());
    QByteArray buffer;
    auto r = exchange(*stream, serializeRequest(method, target, body), buffer, &onData);
    if (!r)
        return tl::unexpected(r.error());
    if (r->status / 100 != 2)
        return tl::unexpected(errorFromResponse(*r));
    return {};
}

Result<void> ApiClient::streamLines(const QByteArray &method, const QString &target, const QJsonObject &body,
                                    const DataSink &onLine)
{
    QByteArray pending;
    return stream(method, target, body, [&](const QByteArray &bytes) -> Result<void> {
        pending += bytes;
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(nl);
            pending.remove(0, nl + 1);
            if (auto r = onLine(line); !r)
                return r;
        }
        return {};
    });
}

Result<UpgradedStream> ApiClient::upgrade(const QString &target, const QJsonObject &body, const QByteArray &protocol)
{
    auto stream = open();
    if (!stream)
        return tl::unexpected(stream.error());
    QByteArray buffer;
    auto r = exchange(*stream, serializeRequest("POST", target, body, protocol), buffer, nullptr);
    if (!r)
        return tl::unexpected(r.error());
    if (r->status != 101)
        return tl::unexpected(errorFromResponse(*r));
    return UpgradedStream { std::move(*stream), buffer };
}

// Sends the request and parses the answer; what follows the answer (after
// a 101) is left in `buffer`.
Result<ApiResponse> ApiClient::exchange(UnixStream &stream, const QByteArray &request, QByteArray &buffer,
                                        const DataSink *onData)
{
    if (!stream.sendAll(request))
        return tl::unexpected(lostConnection());
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    std::optional<Error> sinkFailed;
    auto onChunk = [&](std::uint64_t, boost::beast::string_view piece, boost::beast::error_code &ec) {
        if (parser.get().result_int() / 100 != 2) {
            parser.get().body().append(piece.data(), piece.size());
        } else if (auto r = (*onData)(QByteArray(piece.data(), qsizetype(piece.size()))); !r) {
            sinkFailed = r.error();
            ec = boost::asio::error::operation_aborted; // stop parsing: nothing more is taken
        }
        return piece.size();
    };
    if (onData)
        parser.on_chunk_body(onChunk);
    bool needMore = true;
    while (!parser.is_done()) {
        if ((needMore || buffer.isEmpty()) && !stream.receive(buffer))
            return tl::unexpected(lostConnection());
        boost::beast::error_code ec;
        size_t used = parser.put(boost::asio::buffer(buffer.constData(), size_t(buffer.size())), ec);
        buffer.remove(0, qsizetype(used));
        needMore = ec == http::error::need_more;
        if (sinkFailed)
            return tl::unexpected(*sinkFailed);
        if (ec && !needMore)
            return fail(ErrorCode::Protocol, QStringLiteral("malformed answer from the engine: %1").arg(QString::fromStdString(ec.message())));
    }
    return ApiResponse { int(parser.get().result_int()), QByteArray::fromStdString(parser.get().body()) };
}

QString urlEncoded(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace paddock::cli
