// Foreground commands through Engine::exec in a real sandbox: separate
// streams, exit status, cwd, environment, and the shell's error statuses.
#include "test_support.h"

#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstExec : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    ExecOutput run(const QStringList &argv, const QString &cwd = {}, const QStringList &env = {})
    {
        return execIn(*m_fx.engine, m_fx.sandbox.id, argv, cwd, env);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("exec"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void streamsStaySeparateAndStatusIsReturned()
    {
        ExecOutput r = run({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2; exit 3") });
        QVERIFY(!r.error);
        QCOMPARE(r.out, QByteArray("out\n"));
        QCOMPARE(r.err, QByteArray("err\n"));
        QCOMPARE(r.shellStatus(), 3);
    }

    void killedCommandReportsItsSignal()
    {
        ExecOutput r = run({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("kill -9 $$") });
        QVERIFY(r.status);
        QCOMPARE(r.status->signal, 9);
        QCOMPARE(r.shellStatus(), 137);
    }

    void cwdAndEnvironmentAreApplied()
    {
        ExecOutput r = run({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("pwd; echo $GREETING; echo $HOME") },
                           QStringLiteral("/tmp"), { QStringLiteral("GREETING=hello there") });
        QCOMPARE(r.out, QByteArray("/tmp\nhello there\n/root\n"));
    }

    void environmentOverridesDefaults()
    {
        ExecOutput r = run({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo $HOME") }, {},
                           { QStringLiteral("HOME=/srv") });
        QCOMPARE(r.out, QByteArray("/srv\n"));
    }

    void unknownCommandIsCommandNotFound()
    {
        ExecOutput r = run({ QStringLiteral("no-such-command-xyz") });
        QVERIFY(r.error);
        QCOMPARE(r.error->code, ErrorCode::CommandNotFound);
        QVERIFY(r.error->message.contains(QLatin1String("no-such-command-xyz")));
    }

    void nonExecutableFileIsNotExecutable()
    {
        ExecOutput r = run({ QStringLiteral("/etc/passwd") });
        QVERIFY(r.error);
        QCOMPARE(r.error->code, ErrorCode::NotExecutable);
    }

    void missingCwdIsAClearError()
    {
        ExecOutput r = run({ QStringLiteral("true") }, QStringLiteral("/does/not/exist"));
        QVERIFY(r.error);
        QVERIFY2(r.error->message.contains(QLatin1String("/does/not/exist")), qPrintable(r.error->message));
    }

    void largeOutputArrivesComplete()
    {
        ExecOutput r = run({ QStringLiteral("seq"), QStringLiteral("1"), QStringLiteral("200000") });
        QCOMPARE(r.shellStatus(), 0);
        QVERIFY(r.out.endsWith("199999\n200000\n"));
        QCOMPARE(r.out.count('\n'), 200000);
    }

    void stdinIsEmpty()
    {
        ExecOutput r = run({ QStringLiteral("cat") });
        QCOMPARE(r.shellStatus(), 0);
        QCOMPARE(r.out, QByteArray());
    }

    void unknownSandboxIsNotFound()
    {
        ExecOutput r = execIn(*m_fx.engine, QStringLiteral("nope"), { QStringLiteral("true") });
        QVERIFY(r.error);
        QCOMPARE(r.error->code, ErrorCode::NotFound);
    }

    void killingASessionEndsTheCommand()
    {
        auto session = m_fx.engine->exec(m_fx.sandbox.id, CommandSpec { { QStringLiteral("sleep"), QStringLiteral("1000") } });
        QVERIFY(session);
        std::optional<ExitStatus> status;
        connect(*session, &ExecSession::started, *session, [s = *session] { s->kill(15); });
        connect(*session, &ExecSession::finished, this, [&](ExitStatus st) { status = st; });
        QVERIFY(QTest::qWaitFor([&] { return status.has_value(); }, kWaitMs));
        QCOMPARE(status->signal, 15);
    }
};

QTEST_GUILESS_MAIN(TstExec)
#include "tst_exec.moc"
