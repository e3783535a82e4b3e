// The CLI's side of the local API: one blocking HTTP/1.1 request per
// connection over the engine's unix socket, written and parsed with
// Boost.Beast.
#pragma once

#include "unix_stream.h"

#include "paddock/error.h"

#include <QByteArray>
#include <QIODevice>
#include <QJsonObject>
#include <QString>

#include <functional>

namespace paddock::cli {

// A name as one segment or query value of an API URL: a '/' or '?' in it
// stays part of the name (the engine decodes each parameter).
QString urlEncoded(const QString &text);

// Takes each piece of a streamed body; an error stops the transfer (the
// connection is dropped, so the engine stops sending) and is what the
// call returns — a full disk must end a download, not be ignored.
using DataSink = std::function<Result<void>(const QByteArray &)>;

struct ApiResponse {
    int status = 0;
    QByteArray body;
    QJsonObject json() const;
};

// An upgraded connection and the first bytes that followed the 101 answer.
struct UpgradedStream {
    UnixStream stream;
    QByteArray pending;
};

class ApiClient {
public:
    // onNoEngine runs when nothing listens on the socket (to start an
    // engine); the request is then tried once more.
    explicit ApiClient(QString socketPath, std::function<Result<void>()> onNoEngine = {})
        : m_socketPath(std::move(socketPath)), m_onNoEngine(std::move(onNoEngine))
    {
    }

    // A whole JSON response; a non-2xx status becomes the Error it carries.
    Result<QJsonObject> call(const QByteArray &method, const QString &target,
                             const QJsonObject &body = {});
    // PUT of raw bytes (a file's content); answered like call().
    Result<QJsonObject> upload(const QString &target, const QByteArray &bytes);
    // The same, streamed from a file of known size, never held in memory.
    Result<QJsonObject> uploadFile(const QString &target, QIODevice &file, qint64 size);
    // A streamed (chunked) response: each piece of body goes to onData as it
    // arrives. Non-2xx responses become their Error, as for call().
    Result<void> stream(const QByteArray &method, const QString &target, const QJsonObject &body,
                        const DataSink &onData);
    // The same for a body of lines (NDJSON): onLine gets each whole line,
    // without its newline.
    Result<void> streamLines(const QByteArray &method, const QString &target, const QJsonObject &body,
                             const DataSink &onLine);
    // POST asking to switch the connection to `protocol`; anything but
    // 101 Switching Protocols becomes the Error it carries.
    Result<UpgradedStream> upgrade(const QString &target, const QJsonObject &body,
                                   const QByteArray &protocol);

private:
    Result<UnixStream> open();
    Result<QJsonObject> callWith(const QByteArray &request);
    Result<ApiResponse> exchange(UnixStream &stream, const QByteArray &request, QByteArray &buffer,
                                 const DataSink *onData);

    QString m_socketPath;
    std::function<Result<void>()> m_onNoEngine;
};

// The Error a non-2xx API response carries.
Error errorFromResponse(const ApiResponse &r);

} // namespace paddock::cli
