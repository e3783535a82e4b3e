#include "paddock/api_server.h"

#include "api_routes.h"
#include "http_connection.h"

namespace paddock::api {

ApiServer::ApiServer(Engine &engine, QObject *parent)
    : QObject(parent), m_engine(engine), m_routes(std::make_unique<ApiRoutes>(engine))
{
    connect(&m_server, &QLocalServer::newConnection, this, &ApiServer::onNewConnection);
}

ApiServer::~ApiServer() = default;

Result<void> ApiServer::listen()
{
    const QString path = m_engine.paths().apiSocket();
    // Only one engine holds the data dir's lock, so a socket here is stale.
    QLocalServer::removeServer(path);
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server.listen(path))
        return fail(ErrorCode::Io, QStringLiteral("cannot listen on %1: %2").arg(path, m_server.errorString()));
    return {};
}

void ApiServer::allowRemoteShutdown(std::function<void()> shutdown)
{
    m_routes->setShutdownHandler(std::move(shutdown));
}

void ApiServer::onNewConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        auto *conn = new HttpConnection(socket, this);
        connect(conn, &HttpConnection::requestReady, this,
                [this, conn](const HttpRequest &req) { m_routes->handle(conn, req); });
    }
}

} // namespace paddock::api
