// Runs handler calls (engine/src/egress/handler/handler_wire.h) in
// QJSEngine: one engine per scope (a sandbox's rule), script and set of
// secrets, kept for that scope's calls after it (the way a Worker's
// isolate is), so a script is compiled once, not per request — and one
// sandbox's requests, or one rule's secrets, never reach another's globals.
// A call without a scope gets an engine of its own. An engine whose run
// was interrupted is thrown away: its globals may be half-way through a
// change.
#pragma once

#include "run_bounds.h"

#include <QByteArray>
#include <QJSEngine>
#include <QJsonObject>

#include <list>
#include <memory>

namespace paddock::handler {

class HandlerRuntime {
public:
    explicit HandlerRuntime(RunBounds &bounds);
    ~HandlerRuntime();

    // The reply to one call: {"id", "ok", "result" | "error", "logs"}.
    QJsonObject run(const QJsonObject &call);

private:
    struct Script;
    Script *scriptFor(const QJsonObject &call, std::chrono::milliseconds limit, QString *error);
    QJsonObject runIn(Script &script, const QJsonObject &call, std::chrono::milliseconds limit);
    void forget(const Script *script);

    RunBounds &m_bounds;
    std::list<std::unique_ptr<Script>> m_scripts; // the most recently used first
};

} // namespace paddock::handler
