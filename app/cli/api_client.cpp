#include "api_client.h"

#include <QJsonDocument>
#include <QLocalSocket>

#include <boost/beast/http.hpp>

#include <limits>
#include <sstream>

namespace http = boost::beast::http;

namespace paddock::cli {

QJsonObject ApiResponse::json() const { return QJsonDocument::fromJson(body).object(); }

Error errorFromResponse(const ApiResponse &r)
{
    QJsonObject e = r.json().value(QStringLiteral("error")).toObject();
    if (e.isEmpty())
        return Error { ErrorCode::Protocol, QStringLiteral("engine answered HTTP %1").arg(r.status) };
    return Error { errorCodeFromName(e.value(QStringLiteral("code")).toString()),
                   e.value(QStringLiteral("message")).toString(), e.value(QStringLiteral("step")).toString() };
}

bool ApiClient::reachable() const
{
    QLocalSocket socket;
    socket.connectToServer(m_socketPath);
    return socket.waitForConnected(1000);
}

Result<QJsonObject> ApiClient::call(const QByteArray &method, const QString &target, const QJsonObject &body)
{
    auto r = exchange(method, target, body, nullptr);
    if (!r)
        return tl::unexpected(r.error());
    if (r->status / 100 != 2)
        return tl::unexpected(errorFromResponse(*r));
    return r->json();
}

Result<void> ApiClient::stream(const QByteArray &method, const QString &target, const QJsonObject &body,
                               const std::function<void(const QByteArray &)> &onData)
{
    auto r = exchange(method, target, body, &onData);
    if (!r)
        return tl::unexpected(r.error());
    if (r->status / 100 != 2)
        return tl::unexpected(errorFromResponse(*r));
    return {};
}

Result<ApiResponse> ApiClient::exchange(const QByteArray &method, const QString &target,
                                        const QJsonObject &body,
                                        const std::function<void(const QByteArray &)> *onData)
{
    QLocalSocket socket;
    socket.connectToServer(m_socketPath);
    if (!socket.waitForConnected(5000) && m_onNoEngine
        && (socket.error() == QLocalSocket::ServerNotFoundError
            || socket.error() == QLocalSocket::ConnectionRefusedError)) {
        if (auto started = m_onNoEngine(); !started)
            return tl::unexpected(started.error());
        socket.connectToServer(m_socketPath);
        socket.waitForConnected(5000);
    }
    if (socket.state() != QLocalSocket::ConnectedState)
        return fail(ErrorCode::NotRunning, QStringLiteral("cannot reach the engine at %1: %2").arg(m_socketPath, socket.errorString()));

    http::request<http::string_body> req { http::string_to_verb(method.toStdString()), target.toStdString(), 11 };
    req.set(http::field::host, "paddock");
    if (method != "GET" && method != "DELETE") {
        req.set(http::field::content_type, "application/json");
        req.body() = QJsonDocument(body).toJson(QJsonDocument::Compact).toStdString();
    }
    req.prepare_payload();
    std::ostringstream os;
    os << req;
    socket.write(QByteArray::fromStdString(os.str()));

    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    auto onChunk = [&](std::uint64_t, boost::beast::string_view piece, boost::beast::error_code &) {
        if (parser.get().result_int() / 100 == 2)
            (*onData)(QByteArray(piece.data(), qsizetype(piece.size())));
        else
            parser.get().body().append(piece.data(), piece.size());
        return piece.size();
    };
    if (onData)
        parser.on_chunk_body(onChunk);

    QByteArray buffer;
    while (!parser.is_done()) {
        if (buffer.isEmpty()) {
            if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(-1))
                return fail(ErrorCode::Io, QStringLiteral("the engine closed the connection mid-answer"));
            buffer += socket.readAll();
        }
        boost::beast::error_code ec;
        size_t used = parser.put(boost::asio::buffer(buffer.constData(), size_t(buffer.size())), ec);
        buffer.remove(0, qsizetype(used));
        if (ec == http::error::need_more) {
            if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(-1))
                return fail(ErrorCode::Io, QStringLiteral("the engine closed the connection mid-answer"));
            buffer += socket.readAll();
            continue;
        }
        if (ec)
            return fail(ErrorCode::Protocol, QStringLiteral("malformed answer from the engine: %1").arg(QString::fromStdString(ec.message())));
    }
    return ApiResponse { int(parser.get().result_int()), QByteArray::fromStdString(parser.get().body()) };
}

} // namespace paddock::cli
