// The engine's local API: HTTP/1.1 + JSON on a unix socket in the runtime
// dir (0700, so only this user reaches it).
#pragma once

#include "paddock/engine.h"

#include <QLocalServer>

#include <functional>
#include <memory>

namespace paddock::api {

class ApiRoutes;

class ApiServer : public QObject {
    Q_OBJECT
public:
    explicit ApiServer(Engine &engine, QObject *parent = nullptr);
    ~ApiServer() override;

    // Listens on the engine's API socket (replacing a stale one).
    Result<void> listen();

    // Lets a client ask this engine to exit (POST /v1/engine/shutdown), so
    // the desktop app can take over from a headless engine. Off by default:
    // a desktop app's engine is not stopped from outside.
    void allowRemoteShutdown(std::function<void()> shutdown);

private:
    void onNewConnection();

    Engine &m_engine;
    QLocalServer m_server;
    std::unique_ptr<ApiRoutes> m_routes;
};

} // namespace paddock::api
