// Foreground commands with a terminal (a pty in the sandbox's own devpts)
// or an open stdin: input, echo, resize and SIGWINCH, end of file.
#include "test_support.h"

#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstTerminal : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    // A running command and everything it has printed so far.
    struct Running {
        ExecSession *session = nullptr;
        QByteArray out;
        std::optional<ExitStatus> status;
        std::optional<Error> error;
    };

    std::unique_ptr<Running> start(const QStringList &argv, std::optional<TerminalSize> terminal, bool openStdin = false)
    {
        auto run = std::make_unique<Running>();
        CommandSpec cmd { argv };
        cmd.terminal = terminal;
        cmd.openStdin = openStdin;
        auto session = m_fx.engine->exec(m_fx.sandbox.id, cmd);
        if (!session) {
            run->error = session.error();
            return run;
        }
        Running *r = run.get();
        r->session = *session;
        connect(r->session, &ExecSession::output, this, [r](OutputStream, const QByteArray &d) { r->out += d; });
        connect(r->session, &ExecSession::finished, this, [r](ExitStatus st) { r->status = st; });
        connect(r->session, &ExecSession::failed, this, [r](const Error &e) { r->error = e; });
        return run;
    }

    static bool waitForOutput(Running &r, const QByteArray &text)
    {
        return QTest::qWaitFor([&] { return r.out.contains(text) || r.status || r.error; }, kWaitMs)
            && r.out.contains(text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("tty"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void commandSeesATerminalOfTheRequestedSize()
    {
        auto r = start({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("tty; stty size") }, TerminalSize { 30, 100 });
        QVERIFY(QTest::qWaitFor([&] { return r->status || r->error; }, kWaitMs));
        QVERIFY(!r->error);
        QVERIFY2(r->out.contains("/dev/pts/0"), r->out.constData());
        QVERIFY2(r->out.contains("30 100"), r->out.constData()); // a terminal ends lines with \r\n
        QCOMPARE(r->status->exitCode, 0);
    }

    void typedInputIsEchoedAndRun()
    {
        auto r = start({ QStringLiteral("sh") }, TerminalSize {});
        r->session->write("echo hel''lo\n");
        QVERIFY2(waitForOutput(*r, "hello\r\n"), r->out.constData());
        QVERIFY(r->out.contains("echo hel''lo")); // the terminal echoed what was typed
        r->session->write("exit 7\n");
        QVERIFY(QTest::qWaitFor([&] { return r->status.has_value(); }, kWaitMs));
        QCOMPARE(r->status->exitCode, 7);
    }

    void resizeChangesTheSizeAndSendsSigwinch()
    {
        auto r = start({ QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done") },
                       TerminalSize { 24, 80 });
        QVERIFY2(waitForOutput(*r, "ready"), r->out.constData());
        r->session->resize({ 50, 132 });
        QVERIFY(QTest::qWaitFor([&] { return r->status.has_value(); }, kWaitMs));
        QVERIFY2(r->out.contains("50 132"), r->out.constData());
        QCOMPARE(r->status->exitCode, 0);
    }

    void ctrlCReachesTheForegroundProcess()
    {
        // "ready" must come from the very process ^C is for, once it blocks
        // with SIGINT's default action. After `echo ready; sleep 1000`, a ^C
        // between dash's fork and sleep's exec hits dash's own handler (it
        // catches SIGINT under -c), which exec then drops: the ^C was lost
        // about one run in six under load. cat prints the line back only
        // once it runs and reads (the terminal's own echo is the first copy).
        auto r = start({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec cat") }, TerminalSize {});
        r->session->write("ready\n");
        QVERIFY2(QTest::qWaitFor([&] { return r->out.count("ready") >= 2 || r->status || r->error; }, kWaitMs),
                 r->out.constData());
        r->session->write("\x03"); // the line discipline turns ^C into SIGINT
        QVERIFY(QTest::qWaitFor([&] { return r->status.has_value(); }, kWaitMs));
        QCOMPARE(r->status->signal, 2);
    }

    void stdinPipeDeliversDataThenEndOfFile()
    {
        auto r = start({ QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("cat; echo eof") }, std::nullopt, true);
        QByteArray big(300 * 1024, 'x'); // more than one frame and one pipe buffer
        r->session->write(big);
        r->session->write("end\n");
        r->session->closeStdin();
        QVERIFY(QTest::qWaitFor([&] { return r->status.has_value(); }, kWaitMs));
        QCOMPARE(r->out, big + "end\neof\n");
    }

    void backgroundProcessesCannotHaveATerminal()
    {
        CommandSpec cmd { { QStringLiteral("sh") } };
        cmd.terminal = TerminalSize {};
        auto r = await<ProcessInfo>([&](Callback<ProcessInfo> done) { m_fx.engine->spawn(m_fx.sandbox.id, cmd, {}, done); });
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TstTerminal)
#include "tst_terminal.moc"
