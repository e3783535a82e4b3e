#include "background_exec.h"

#include <QTest>

namespace paddock::test {

Background::Background(Engine &engine, const QString &sandbox, const QString &code)
{
    auto session = engine.exec(sandbox, CommandSpec { { QStringLiteral("python3"), QStringLiteral("-c"), code }, {}, {}, {}, true });
    if (!session) {
        m_out = "exec failed: " + session.error().message.toUtf8();
        m_done = true;
        return;
    }
    m_session = *session;
    QObject::connect(m_session, &ExecSession::output, m_session, [this](OutputStream, const QByteArray &d) { m_out += d; });
    QObject::connect(m_session, &ExecSession::finished, m_session, [this](ExitStatus) { m_done = true; });
    QObject::connect(m_session, &ExecSession::failed, m_session, [this](const Error &e) {
        m_out += "failed: " + e.message.toUtf8();
        m_done = true;
    });
}

QByteArray Background::line(const QByteArray &prefix, int ms)
{
    QByteArray found;
    (void)QTest::qWaitFor([&] {
        for (const QByteArray &l : m_out.split('\n'))
            if (l.startsWith(prefix) && m_out.contains(l + '\n'))
                found = l;
        return !found.isEmpty() || m_done;
    }, ms);
    return found.isEmpty() ? "(none; output: " + m_out.left(2000) + ")" : found;
}

void Background::stop()
{
    if (m_done || !m_session)
        return;
    m_session->closeStdin();
    if (!QTest::qWaitFor([this] { return m_done; }, 20000))
        m_session->kill(9);
    (void)QTest::qWaitFor([this] { return m_done; }, 10000);
}

} // namespace paddock::test
