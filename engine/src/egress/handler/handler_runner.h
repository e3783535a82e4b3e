// Runs inspect rules' handlers for the gates (http_gate.h) in
// paddock-handler helper processes (engine/handler/), off the engine
// thread and outside the engine's memory: a script that loops is
// interrupted at its time bound, one that allocates without end takes only
// its helper down, and either way the request is denied and the engine
// goes on.
//
// At most kWorkers helpers run, each one call at a time; they start when
// first needed and stay for the calls after. Calls wait in one queue per
// sandbox, served in turn, and one sandbox has at most
// kMaxInFlightPerSandbox calls running: a sandbox whose handler loops
// delays its own requests, and leaves a helper free for the others (with
// more sandboxes than that looping at once, they share the wait). A helper that does not answer by
// the call's bound plus a grace is killed.
//
// Thread ownership: the engine thread.
#pragma once

#include "handler_wire.h"
#include "paddock/egress.h"
#include "paddock/error.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace paddock::egress {

struct HandlerCall {
    QString sandboxId;
    // Calls with the same scope (and script and secrets) may share the
    // script's globals, as a Worker's isolate does; others never do. The
    // gate's scope is the sandbox and its rule; empty: a fresh engine, kept
    // for nothing after the call.
    QString scope;
    EgressHandler handler;
    QJsonObject request; // {method, url, headers, body | bodyBase64}
    QJsonObject secrets; // {NAME: value}: the secrets the handler is handed
};

struct HandlerReply {
    QJsonObject result; // read with readHandlerVerdict (handler_verdict.h)
    QStringList logs; // what it wrote with console.log
};

// A failed call: the script threw, ran out of time or memory, or its
// helper could not run. `logs` as far as it got.
struct HandlerFailure {
    QString error;
    QStringList logs;
    bool compiling = false; // the script itself failed (syntax, no handle()), before any request
};

class HandlerRunner : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(std::variant<HandlerReply, HandlerFailure>)>;
    static constexpr int kTimeLimitMs = 2000;
    static constexpr int kWorkers = 3;
    static constexpr int kMaxInFlightPerSandbox = 2;

    explicit HandlerRunner(QString program, QObject *parent = nullptr);
    ~HandlerRunner() override;

    // `done` is called once, later, on the engine thread, unless cancelled.
    quint64 run(HandlerCall call, Done done);
    void cancel(quint64 ticket);

private:
    struct Job {
        quint64 ticket = 0;
        HandlerCall call;
        Done done;
    };
    struct Worker;

    void dispatch();
    std::optional<Job> nextJob();
    Worker *idleWorker();
    int inFlight(const QString &sandbox) const;
    void startOn(Worker &worker, Job job);
    void onOutput(Worker *worker);
    void onEnded(Worker *worker, const QString &why);
    void finishCurrent(Worker &worker, std::variant<HandlerReply, HandlerFailure> outcome);

    QString m_program;
    quint64 m_nextTicket = 1;
    QHash<QString, std::deque<Job>> m_queues; // by sandbox
    QStringList m_turns; // sandboxes with calls waiting, the next to be served first
    int m_waiting = 0;
    std::vector<std::unique_ptr<Worker>> m_workers;
};

} // namespace paddock::egress
