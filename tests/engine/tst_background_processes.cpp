// Background processes: spawn, list, logs, kill, wait, and what the engine
// knows of them after it restarts while they run.
#include "test_support.h"

#include "paddock/log_stream.h"

#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstBackgroundProcesses : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    Result<ProcessInfo> spawn(const QString &script, const QString &name = {})
    {
        CommandSpec cmd { { QStringLiteral("sh"), QStringLiteral("-c"), script } };
        return await<ProcessInfo>([&](Callback<ProcessInfo> done) { m_fx.engine->spawn(m_fx.sandbox.id, cmd, name, done); });
    }

    Result<WaitResult> wait(const QString &proc, const QString &pattern = {}, int timeoutMs = 10000)
    {
        return await<WaitResult>([&](Callback<WaitResult> done) {
            m_fx.engine->wait(m_fx.sandbox.id, proc, WaitCondition { pattern, timeoutMs }, done);
        });
    }

    QByteArray readLogs(const QString &proc)
    {
        auto stream = m_fx.engine->logs(m_fx.sandbox.id, proc, false);
        if (!stream)
            return "error: " + stream.error().message.toUtf8();
        QByteArray all;
        bool done = false;
        connect(*stream, &LogStream::data, this, [&](const QByteArray &b) { all += b; });
        connect(*stream, &LogStream::finished, this, [&] { done = true; });
        if (!QTest::qWaitFor([&] { return done; }, kWaitMs))
            return "error: the log stream did not finish";
        return all;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("bg"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void spawnedProcessRunsAndItsExitIsRecorded()
    {
        auto p = spawn(QStringLiteral("echo one; echo two >&2; exit 4"), QStringLiteral("short"));
        QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
        QVERIFY(p->id.startsWith(QLatin1Char('p')));
        auto ended = wait(QStringLiteral("short"));
        QVERIFY2(ended, qPrintable(ended ? QString() : ended.error().message));
        QCOMPARE(ended->process.state, ProcessState::Exited);
        QCOMPARE(ended->process.exit->exitCode, 4);
        QCOMPARE(readLogs(p->id), QByteArray("one\ntwo\n"));
    }

    void waitForALogLineReturnsTheLine()
    {
        auto p = spawn(QStringLiteral("sleep 0.2; echo 'server listening on 3000'; sleep 1000"));
        QVERIFY(p);
        auto matched = wait(p->id, QStringLiteral("listening on \\d+"));
        QVERIFY2(matched, qPrintable(matched ? QString() : matched.error().message));
        QCOMPARE(matched->matchedLine, QStringLiteral("server listening on 3000"));
        QCOMPARE(matched->process.state, ProcessState::Running);
        auto killed = await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, p->id, 9, done); });
        QVERIFY(killed);
        auto ended = wait(p->id);
        QVERIFY(ended);
        QCOMPARE(ended->process.state, ProcessState::Killed);
        QCOMPARE(ended->process.exit->signal, 9);
    }

    void waitTimesOutWithAClearError()
    {
        auto p = spawn(QStringLiteral("sleep 1000"));
        QVERIFY(p);
        auto r = wait(p->id, QStringLiteral("never"), 300);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Timeout);
        QVERIFY(r.error().message.contains(p->id));
        m_fx.engine->kill(m_fx.sandbox.id, p->id, 9, [](Result<void>) { });
    }

    void waitForALineFromAProcessThatEndsWithoutItFails()
    {
        auto p = spawn(QStringLiteral("echo nothing"));
        QVERIFY(p);
        auto r = wait(p->id, QStringLiteral("something"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NotRunning);
    }

    void invalidPatternIsRejected()
    {
        auto p = spawn(QStringLiteral("true"));
        QVERIFY(p);
        auto r = wait(p->id, QStringLiteral("(unclosed"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    }

    void killOfAnUnknownProcessIsNotFound()
    {
        auto r = await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, QStringLiteral("p999"), 15, done); });
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NotFound);
    }

    void killReachesTheWholeProcessGroup()
    {
        auto p = spawn(QStringLiteral("sleep 1000 & sleep 1000 & wait"));
        QVERIFY(p);
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, p->id, 15, done); }));
        QVERIFY(wait(p->id));
        ExecOutput r = execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("sh"), QStringLiteral("-c"),
                                                 QStringLiteral("for p in /proc/[0-9]*; do cat $p/comm; done | grep -c sleep || true") });
        QCOMPARE(r.out.trimmed(), QByteArray("0"));
    }

    void runningProcessAndItsLogSurviveAnEngineRestart()
    {
        auto p = spawn(QStringLiteral("echo before; sleep 1000"), QStringLiteral("survivor"));
        QVERIFY(p);
        QVERIFY(wait(p->id, QStringLiteral("before")));
        m_fx.engine.reset(); // the engine goes; the sandbox and its process stay
        auto engine = Engine::open(m_fx.data->paths());
        QVERIFY(engine);
        m_fx.engine = std::move(*engine);
        auto again = m_fx.engine->process(m_fx.sandbox.id, QStringLiteral("survivor"));
        QVERIFY(again);
        QCOMPARE(again->state, ProcessState::Running);
        QCOMPARE(readLogs(QStringLiteral("survivor")), QByteArray("before\n"));
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, QStringLiteral("survivor"), 9, done); }));
        QCOMPARE(wait(QStringLiteral("survivor"))->process.state, ProcessState::Killed);
    }

    void stoppingTheSandboxEndsItsProcesses()
    {
        auto p = spawn(QStringLiteral("sleep 1000"));
        QVERIFY(p);
        QVERIFY(await<SandboxInfo>([&](Callback<SandboxInfo> done) { m_fx.engine->stopSandbox(m_fx.sandbox.id, done); }));
        auto after = m_fx.engine->process(m_fx.sandbox.id, p->id);
        QVERIFY(after);
        QCOMPARE(after->state, ProcessState::Killed);
        QVERIFY(m_fx.engine->startSandbox(m_fx.sandbox.id));
    }
};

QTEST_GUILESS_MAIN(TstBackgroundProcesses)
#include "tst_background_processes.moc"
