#include "engine_bridge.h"

#include "paddock/api_server.h"

namespace paddock::ui {

EngineBridge::EngineBridge(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<paddock::SandboxInfo>();
    qRegisterMetaType<paddock::ProcessInfo>();
    qRegisterMetaType<paddock::EgressLogEntry>();
    qRegisterMetaType<paddock::EgressQuestion>();
    m_thread.setObjectName(QStringLiteral("paddock engine"));
    m_anchor->moveToThread(&m_thread);
}

EngineBridge::~EngineBridge()
{
    if (!m_thread.isRunning())
        return;
    // Engine objects are destroyed on their own thread, then the thread ends.
    QObject *anchor = m_anchor.release();
    QMetaObject::invokeMethod(anchor, [this, anchor] {
        m_api.reset();
        m_engine.reset();
        delete anchor;
    }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

Result<void> EngineBridge::open(const DataPaths &paths)
{
    m_thread.start();
    Result<void> result;
    QMetaObject::invokeMethod(m_anchor.get(), [&] {
        auto engine = Engine::open(paths);
        if (!engine) {
            result = tl::unexpected(engine.error());
            return;
        }
        auto api = std::make_unique<api::ApiServer>(**engine);
        if (auto listening = api->listen(); !listening) {
            result = listening;
            return;
        }
        m_engine = std::move(*engine);
        m_api = std::move(api);
    }, Qt::BlockingQueuedConnection);
    if (!result) {
        m_thread.quit();
        m_thread.wait();
        return result;
    }
    m_paths = paths;
    connect(m_engine.get(), &Engine::sandboxChanged, this, &EngineBridge::sandboxChanged);
    connect(m_engine.get(), &Engine::sandboxRemoved, this, &EngineBridge::sandboxRemoved);
    connect(m_engine.get(), &Engine::processChanged, this, &EngineBridge::processChanged);
    connect(m_engine.get(), &Engine::egressLogged, this, &EngineBridge::egressLogged);
    connect(m_engine.get(), &Engine::egressQuestionAsked, this, &EngineBridge::egressQuestionAsked);
    connect(m_engine.get(), &Engine::egressQuestionClosed, this, &EngineBridge::egressQuestionClosed);
    connect(m_engine.get(), &Engine::egressRulesChanged, this, &EngineBridge::egressRulesChanged);
    return {};
}

} // namespace paddock::ui
