// The UI's handle on the engine. The engine lives on its own thread (its
// event loop, SQLite, sockets); the bridge lives on the UI thread and
// forwards calls there and answers back here, so no widget ever waits on
// the engine and no engine object is touched from the UI thread.
#pragma once

#include "paddock/engine.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <functional>
#include <memory>

namespace paddock::ui {

class EngineBridge : public QObject {
    Q_OBJECT
public:
    EngineBridge(QObject *parent = nullptr);
    ~EngineBridge() override; // stops the engine thread; sandboxes keep running

    // Opens the engine on its thread (blocks for as long as that takes:
    // call before the window shows) and serves the local API from it.
    Result<void> open(const DataPaths &paths);
    const DataPaths &paths() const { return m_paths; }

    // Runs fn(engine) on the engine thread; `done` gets its result here.
    template<typename T>
    void call(std::function<Result<T>(Engine &)> fn, std::function<void(Result<T>)> done)
    {
        QMetaObject::invokeMethod(m_anchor.get(), [this, fn = std::move(fn), done = std::move(done)] {
            Result<T> r = fn(*m_engine);
            QMetaObject::invokeMethod(this, [done, r = std::move(r)] { done(r); }, Qt::QueuedConnection);
        });
    }
    // Runs fn on the engine thread, where engine objects may be touched
    // (check their QPointer there: they may be gone by then).
    void post(std::function<void()> fn) { QMetaObject::invokeMethod(m_anchor.get(), std::move(fn)); }

    // For engine calls that answer through a callback of their own.
    template<typename T>
    void callAsync(std::function<void(Engine &, Callback<T>)> fn, std::function<void(Result<T>)> done)
    {
        QMetaObject::invokeMethod(m_anchor.get(), [this, fn = std::move(fn), done = std::move(done)] {
            fn(*m_engine, [this, done](Result<T> r) {
                QMetaObject::invokeMethod(this, [done, r = std::move(r)] { done(r); }, Qt::QueuedConnection);
            });
        });
    }

    // As call() and callAsync(), for an answer to `receiver` — a dialog,
    // say — that may be closed and deleted before the engine answers: the
    // answer is then dropped instead of reaching a dead object.
    template<typename T>
    void callFor(QObject *receiver, std::function<Result<T>(Engine &)> fn, std::function<void(Result<T>)> done)
    {
        call<T>(std::move(fn), guarded<T>(receiver, std::move(done)));
    }
    template<typename T>
    void callAsyncFor(QObject *receiver, std::function<void(Engine &, Callback<T>)> fn, std::function<void(Result<T>)> done)
    {
        callAsync<T>(std::move(fn), guarded<T>(receiver, std::move(done)));
    }

Q_SIGNALS:
    // Re-emitted on the UI thread.
    void sandboxChanged(const paddock::SandboxInfo &sandbox);
    void sandboxRemoved(const QString &id);
    void processChanged(const paddock::ProcessInfo &process);
    void egressLogged(const paddock::EgressLogEntry &entry);
    void egressQuestionAsked(const paddock::EgressQuestion &question);
    void egressQuestionClosed(const QString &questionId, const QString &outcome);
    void egressRulesChanged(const QString &sandboxId);

private:
    template<typename T>
    static std::function<void(Result<T>)> guarded(QObject *receiver, std::function<void(Result<T>)> done)
    {
        return [guard = QPointer<QObject>(receiver), done = std::move(done)](Result<T> r) {
            if (guard)
                done(std::move(r));
        };
    }

    DataPaths m_paths;
    QThread m_thread;
    std::unique_ptr<QObject> m_anchor = std::make_unique<QObject>(); // lives on the engine thread
    std::unique_ptr<Engine> m_engine;
    std::unique_ptr<QObject> m_api; // the API server, on the engine thread
};

} // namespace paddock::ui

Q_DECLARE_METATYPE(paddock::SandboxInfo)
Q_DECLARE_METATYPE(paddock::ProcessInfo)
