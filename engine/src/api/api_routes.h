// The API's routes: a table of (method, path pattern) → handler, each a thin
// translation between HTTP+JSON and the Engine's public API.
#pragma once

#include "http_connection.h"

#include "paddock/engine.h"

#include <QStringList>

#include <functional>

namespace paddock::api {

// Above this many bytes not yet taken by the client, a streamed response
// (a log, a download) pauses its source until the client catches up.
inline constexpr qint64 kMaxPendingStreamBytes = 4 * 1024 * 1024;

// The protocol a client asks for (Upgrade header) to type into a command.
inline constexpr char kInteractiveExecProtocol[] = "paddock-exec-v1";

// Answers with the error's HTTP status and its JSON shape.
void respondError(HttpConnection *conn, const Error &e);

// A JSON object body (empty body: empty object), or why it is not one.
Result<QJsonObject> parseBody(const HttpRequest &req);

class ApiRoutes {
public:
    explicit ApiRoutes(Engine &engine) : m_engine(engine) { }
    void handle(HttpConnection *conn, const HttpRequest &req);
    void setShutdownHandler(std::function<void()> shutdown) { m_shutdown = std::move(shutdown); }

private:
    // Path parameters in pattern order: ":sb" → params[0], ":proc" → params[1].
    using Params = QStringList;
    using Handler = void (ApiRoutes::*)(HttpConnection *, const HttpRequest &, const Params &);
    struct Route {
        const char *method;
        const char *pattern;
        Handler handler;
    };
    static const Route kRoutes[];

    void version(HttpConnection *, const HttpRequest &, const Params &);
    void shutdownEngine(HttpConnection *, const HttpRequest &, const Params &);
    void listSandboxes(HttpConnection *, const HttpRequest &, const Params &);
    void createSandbox(HttpConnection *, const HttpRequest &, const Params &);
    void getSandbox(HttpConnection *, const HttpRequest &, const Params &);
    void startSandbox(HttpConnection *, const HttpRequest &, const Params &);
    void stopSandbox(HttpConnection *, const HttpRequest &, const Params &);
    void removeSandbox(HttpConnection *, const HttpRequest &, const Params &);
    void exec(HttpConnection *, const HttpRequest &, const Params &);
    void spawn(HttpConnection *, const HttpRequest &, const Params &);
    void listProcesses(HttpConnection *, const HttpRequest &, const Params &);
    void getProcess(HttpConnection *, const HttpRequest &, const Params &);
    void killProcess(HttpConnection *, const HttpRequest &, const Params &);
    void processLogs(HttpConnection *, const HttpRequest &, const Params &);
    void waitProcess(HttpConnection *, const HttpRequest &, const Params &);
    // file_routes.cpp
    void statFile(HttpConnection *, const HttpRequest &, const Params &);
    void listFiles(HttpConnection *, const HttpRequest &, const Params &);
    void readFile(HttpConnection *, const HttpRequest &, const Params &);
    void writeFile(HttpConnection *, const HttpRequest &, const Params &);
    void makeDirectory(HttpConnection *, const HttpRequest &, const Params &);
    void removePath(HttpConnection *, const HttpRequest &, const Params &);
    void movePath(HttpConnection *, const HttpRequest &, const Params &);
    void watchFiles(HttpConnection *, const HttpRequest &, const Params &); // watch_route.cpp
    // egress_routes.cpp
    void egressRules(HttpConnection *, const HttpRequest &, const Params &);
    void addEgressRule(HttpConnection *, const HttpRequest &, const Params &);
    void updateEgressRule(HttpConnection *, const HttpRequest &, const Params &);
    void tryEgressHandler(HttpConnection *, const HttpRequest &, const Params &);
    void removeEgressRule(HttpConnection *, const HttpRequest &, const Params &);
    void moveEgressRule(HttpConnection *, const HttpRequest &, const Params &);
    void egressSettings(HttpConnection *, const HttpRequest &, const Params &);
    void setEgressSettings(HttpConnection *, const HttpRequest &, const Params &);
    void egressLog(HttpConnection *, const HttpRequest &, const Params &);
    void egressQuestions(HttpConnection *, const HttpRequest &, const Params &);
    void answerEgressQuestion(HttpConnection *, const HttpRequest &, const Params &);
    void hostOverrides(HttpConnection *, const HttpRequest &, const Params &);
    void setHostOverride(HttpConnection *, const HttpRequest &, const Params &);
    void removeHostOverride(HttpConnection *, const HttpRequest &, const Params &);
    void trustedCas(HttpConnection *, const HttpRequest &, const Params &);
    void trustCa(HttpConnection *, const HttpRequest &, const Params &);
    void untrustCa(HttpConnection *, const HttpRequest &, const Params &);
    void setForwardProxy(HttpConnection *, const HttpRequest &, const Params &);
    void forwardProxy(HttpConnection *, const HttpRequest &, const Params &);
    void secrets(HttpConnection *, const HttpRequest &, const Params &);
    void resourceMode(HttpConnection *, const HttpRequest &, const Params &);
    void sandboxUsage(HttpConnection *, const HttpRequest &, const Params &);
    void usageHistory(HttpConnection *, const HttpRequest &, const Params &);
    void updateLimits(HttpConnection *, const HttpRequest &, const Params &);
    void setSecret(HttpConnection *, const HttpRequest &, const Params &);
    void removeSecret(HttpConnection *, const HttpRequest &, const Params &);
    void secretPlaceholder(HttpConnection *, const HttpRequest &, const Params &);

    Engine &m_engine;
    std::function<void()> m_shutdown;
};

} // namespace paddock::api
