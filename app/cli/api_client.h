// The CLI's side of the local API: one blocking HTTP/1.1 request per
// connection over the engine's unix socket, parsed with Boost.Beast.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QJsonObject>

#include <functional>

namespace paddock::cli {

struct ApiResponse {
    int status = 0;
    QByteArray body;
    QJsonObject json() const;
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
    // A streamed (chunked) response: each piece of body goes to onData as it
    // arrives. Non-2xx responses become their Error, as for call().
    Result<void> stream(const QByteArray &method, const QString &target, const QJsonObject &body,
                        const std::function<void(const QByteArray &)> &onData);

    // Whether an engine answers on the socket.
    bool reachable() const;

private:
    Result<ApiResponse> exchange(const QByteArray &method, const QString &target,
                                 const QJsonObject &body,
                                 const std::function<void(const QByteArray &)> *onData);

    QString m_socketPath;
    std::function<Result<void>()> m_onNoEngine;
};

// The Error a non-2xx API response carries.
Error errorFromResponse(const ApiResponse &r);

} // namespace paddock::cli
