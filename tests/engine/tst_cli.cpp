// The paddock binary end to end: the CLI contract of the foundation issue,
// an automatically started headless engine, and surviving its crash.
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace paddock::test;

class TstCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dataDir;

    CliRun cli(const QStringList &args) { return runCli(m_dataDir, args); }

    qint64 enginePid()
    {
        QFile lock(m_dataDir + QStringLiteral("/engine.lock"));
        return lock.open(QIODevice::ReadOnly) ? lock.readAll().trimmed().toLongLong() : 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cliBinary().isEmpty());
        m_dataDir = m_tmp.path() + QStringLiteral("/data");
    }

    void cleanupTestCase() { shutDownCliEngine(m_dataDir); }

    void versionNeedsNoEngine()
    {
        CliRun r = cli({ QStringLiteral("--version") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("paddock "));
        QVERIFY(!QFile::exists(m_dataDir + QStringLiteral("/engine.lock")));
    }

    // Help as people ask for it: -h, help, help VERB, VERB --help, VERB -h;
    // a usage of several lines prints as lines, not as escapes.
    void helpComesHoweverItIsAskedFor()
    {
        for (const QStringList &args : { QStringList { "-h" }, QStringList { "help" } }) {
            const CliRun r = cli(args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.startsWith("usage: paddock"), r.out.constData());
            QVERIFY(r.out.contains("exec SB"));
        }
        for (const QStringList &args : { QStringList { "exec", "--help" }, QStringList { "exec", "sb", "-h" }, QStringList { "help", "exec" } }) {
            const CliRun r = cli(args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.startsWith("usage: paddock [--data-dir DIR] exec SB"), r.out.constData());
        }
        const CliRun files = cli({ QStringLiteral("files") });
        QCOMPARE(files.exitCode, 2);
        QVERIFY2(!files.err.contains("\\n") && files.err.count('\n') > 3, files.err.constData());
        QVERIFY(!QFile::exists(m_dataDir + QStringLiteral("/engine.lock"))); // help needs no engine
    }

    void createStartsAnEngineAndPrintsTheId()
    {
        CliRun r = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("web") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed().size(), 12);
        QVERIFY(enginePid() > 0);
        CliRun json = cli({ QStringLiteral("create"), QStringLiteral("--json") });
        QCOMPARE(json.exitCode, 0);
        QJsonObject o = QJsonDocument::fromJson(json.out).object();
        QCOMPARE(o.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(cli({ QStringLiteral("rm"), QStringLiteral("--force"), o.value(QStringLiteral("id")).toString() }).exitCode, 0);
    }

    void execSeparatesStreamsAndExitsWithTheCommandsStatus()
    {
        CliRun r = cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("sh"),
                         QStringLiteral("-c"), QStringLiteral("echo out; echo err >&2; exit 3") });
        QCOMPARE(r.out, QByteArray("out\n"));
        QCOMPARE(r.err, QByteArray("err\n"));
        QCOMPARE(r.exitCode, 3);
    }

    void execPassesCwdAndEnv()
    {
        CliRun r = cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--cwd"), QStringLiteral("/tmp"),
                         QStringLiteral("--env"), QStringLiteral("A=1"), QStringLiteral("--env=B=two"), QStringLiteral("--"),
                         QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo $PWD $A $B") });
        QCOMPARE(r.out, QByteArray("/tmp 1 two\n"));
    }

    void shellStatusesForMissingAndNonExecutableCommands()
    {
        CliRun missing = cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("nope-cmd") });
        QCOMPARE(missing.exitCode, 127);
        QVERIFY(missing.err.contains("command not found"));
        CliRun noexec = cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("/etc/passwd") });
        QCOMPARE(noexec.exitCode, 126);
    }

    void errorsArePlainAndNonZero()
    {
        CliRun unknown = cli({ QStringLiteral("exec"), QStringLiteral("nosuch"), QStringLiteral("--"), QStringLiteral("true") });
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY2(unknown.err.contains("no sandbox with ID or name 'nosuch'"), unknown.err.constData());
        QCOMPARE(cli({ QStringLiteral("frobnicate") }).exitCode, 2);
        QCOMPARE(cli({ QStringLiteral("exec"), QStringLiteral("web") }).exitCode, 2);
        CliRun badName = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("Bad Name") });
        QCOMPARE(badName.exitCode, 1);
        QVERIFY(badName.err.contains("invalid sandbox name"));
    }

    void lsListsIdNameStateCreated()
    {
        CliRun r = cli({ QStringLiteral("ls") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("ID"));
        QVERIFY(r.out.contains(" web "));
        QVERIFY(r.out.contains("running"));
    }

    void backgroundProcessesThroughTheCli()
    {
        CliRun spawned = cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--name"), QStringLiteral("srv"),
                               QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                               QStringLiteral("echo ready; sleep 1000") });
        QCOMPARE(spawned.exitCode, 0);
        const QString id = QString::fromUtf8(spawned.out.trimmed());
        CliRun waited = cli({ QStringLiteral("wait"), QStringLiteral("web"), QStringLiteral("srv"), QStringLiteral("--log"),
                              QStringLiteral("^rea.y$"), QStringLiteral("--timeout"), QStringLiteral("10") });
        QCOMPARE(waited.exitCode, 0);
        QCOMPARE(waited.out, QByteArray("ready\n"));
        CliRun ps = cli({ QStringLiteral("ps"), QStringLiteral("web") });
        QVERIFY(ps.out.contains(id.toUtf8()));
        QVERIFY(ps.out.contains("running"));
        CliRun logs = cli({ QStringLiteral("logs"), QStringLiteral("web"), id });
        QCOMPARE(logs.out, QByteArray("ready\n"));
        CliRun timeout = cli({ QStringLiteral("wait"), QStringLiteral("web"), id, QStringLiteral("--exit"),
                               QStringLiteral("--timeout"), QStringLiteral("0.2") });
        QCOMPARE(timeout.exitCode, 124);
        QCOMPARE(cli({ QStringLiteral("kill"), QStringLiteral("web"), id, QStringLiteral("--signal"), QStringLiteral("INT") }).exitCode, 0);
        CliRun ended = cli({ QStringLiteral("wait"), QStringLiteral("web"), id, QStringLiteral("--exit") });
        QCOMPARE(ended.exitCode, 128 + SIGINT);
    }

    void followedLogsEndWhenTheProcessEnds()
    {
        CliRun spawned = cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("sh"),
                               QStringLiteral("-c"), QStringLiteral("for i in 1 2 3; do echo line $i; sleep 0.1; done") });
        QCOMPARE(spawned.exitCode, 0);
        CliRun follow = cli({ QStringLiteral("logs"), QStringLiteral("web"), QString::fromUtf8(spawned.out.trimmed()),
                              QStringLiteral("--follow") });
        QCOMPARE(follow.exitCode, 0);
        QCOMPARE(follow.out, QByteArray("line 1\nline 2\nline 3\n"));
    }

    void logsOfALargeOutputAreComplete()
    {
        CliRun spawned = cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("seq"),
                               QStringLiteral("1"), QStringLiteral("2000000") });
        QCOMPARE(spawned.exitCode, 0);
        const QString id = QString::fromUtf8(spawned.out.trimmed());
        QCOMPARE(cli({ QStringLiteral("wait"), QStringLiteral("web"), id, QStringLiteral("--exit") }).exitCode, 0);
        CliRun logs = cli({ QStringLiteral("logs"), QStringLiteral("web"), id });
        QCOMPARE(logs.exitCode, 0);
        QCOMPARE(logs.out.count('\n'), 2000000);
        QVERIFY(logs.out.endsWith("1999999\n2000000\n"));
    }

    void engineCrashLosesNoProcess()
    {
        CliRun spawned = cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("sh"),
                               QStringLiteral("-c"), QStringLiteral("echo alive; exec sleep 1000") });
        QCOMPARE(spawned.exitCode, 0);
        const QByteArray id = spawned.out.trimmed();
        QCOMPARE(cli({ QStringLiteral("wait"), QStringLiteral("web"), QString::fromUtf8(id), QStringLiteral("--log"),
                       QStringLiteral("alive"), QStringLiteral("--timeout"), QStringLiteral("10") }).exitCode, 0);
        const qint64 crashed = enginePid();
        QVERIFY(crashed > 0);
        QCOMPARE(::kill(pid_t(crashed), SIGKILL), 0);
        QVERIFY(QTest::qWaitFor([&] { return !processIsAlive(crashed); }, kWaitMs));

        CliRun ps = cli({ QStringLiteral("ps"), QStringLiteral("web"), QStringLiteral("--json") }); // starts a new engine
        if (ps.exitCode != 0) {
            QFile log(m_dataDir + QStringLiteral("/engine.log"));
            (void)log.open(QIODevice::ReadOnly);
            QFAIL(qPrintable(QString::fromUtf8(ps.err + "\nengine.log:\n" + log.readAll().right(4000))));
        }
        QVERIFY(enginePid() != crashed);
        bool running = false;
        for (const QJsonValue &v : QJsonDocument::fromJson(ps.out).object().value(QStringLiteral("processes")).toArray())
            if (v.toObject().value(QStringLiteral("id")).toString().toUtf8() == id)
                running = v.toObject().value(QStringLiteral("state")).toString() == QLatin1String("running");
        QVERIFY2(running, ps.out.constData());
        QCOMPARE(cli({ QStringLiteral("logs"), QStringLiteral("web"), QString::fromUtf8(id) }).out, QByteArray("alive\n"));
        CliRun ls = cli({ QStringLiteral("ls") });
        QVERIFY(ls.out.contains("running"));
    }

    // What PID 1 refuses while no engine listens waits there, and is logged
    // once an engine is back.
    void aRefusalWhileTheEngineIsDownIsLoggedWhenItReturns()
    {
        CliRun spawned = cli({ QStringLiteral("spawn"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("python3"),
                               QStringLiteral("-c"),
                               QStringLiteral("import socket, time\ntime.sleep(1.5)\n"
                                              "try: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)\n"
                                              "except PermissionError: print('refused', flush=True)\n") });
        QCOMPARE(spawned.exitCode, 0);
        const QString id = QString::fromUtf8(spawned.out.trimmed());
        const qint64 crashed = enginePid();
        QCOMPARE(::kill(pid_t(crashed), SIGKILL), 0);
        QVERIFY(QTest::qWaitFor([&] { return !processIsAlive(crashed); }, kWaitMs));
        // The process's log is a host file: it says when the attempt was made,
        // with no engine to hear of it.
        QVERIFY(QTest::qWaitFor([&] {
            for (const QFileInfo &sb : QDir(m_dataDir + QStringLiteral("/sandboxes")).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                QFile log(sb.filePath() + QStringLiteral("/logs/") + id + QStringLiteral(".log"));
                if (log.open(QIODevice::ReadOnly) && log.readAll().contains("refused"))
                    return true;
            }
            return false;
        }, kWaitMs));
        QVERIFY(!processIsAlive(crashed));
        QTRY_VERIFY_WITH_TIMEOUT(cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("web") }).out.contains("packet socket refused"),
                                 kWaitMs); // the first call starts a new engine
    }

    void shellRelaysInputOutputAndExitStatus()
    {
        QProcess shell;
        shell.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("shell"), QStringLiteral("web"),
                                   QStringLiteral("--"), QStringLiteral("sh") });
        QVERIFY(shell.waitForStarted());
        shell.write("read x; echo got:$x; tty; exit 4\nhello\n");
        QVERIFY(shell.waitForFinished(kWaitMs));
        QByteArray out = shell.readAllStandardOutput();
        QVERIFY2(out.contains("got:hello"), out.constData());
        QVERIFY2(out.contains("/dev/pts/"), out.constData());
        QCOMPARE(shell.exitCode(), 4);
    }

    void shellEndsOnEndOfInput()
    {
        QProcess shell;
        shell.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("shell"), QStringLiteral("web") });
        QVERIFY(shell.waitForStarted());
        shell.write("echo $((6*7))\n");
        QByteArray out;
        QVERIFY(QTest::qWaitFor([&] { return (out += shell.readAllStandardOutput()).contains("42\r\n"); }, kWaitMs));
        shell.closeWriteChannel(); // our end of input arrives as ^D at bash's prompt
        QVERIFY(shell.waitForFinished(kWaitMs));
        QCOMPARE(shell.exitCode(), 0);
    }

    void shellErrorsAreClear()
    {
        CliRun missing = cli({ QStringLiteral("shell"), QStringLiteral("nope") });
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("no sandbox with ID or name 'nope'"));
        CliRun notFound = cli({ QStringLiteral("shell"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("nope-cmd") });
        QCOMPARE(notFound.exitCode, 127);
    }

    void shellInARealTerminalFollowsItsSize()
    {
        // A pty on the user's side too: raw mode, initial size, SIGWINCH → resize inside.
        QProcess driver;
        driver.start(QStringLiteral("python3"),
                     { QStringLiteral(PADDOCK_TEST_HELPERS "/drive_in_pty.py"), QStringLiteral("30"), QStringLiteral("100"),
                       QStringLiteral("ready"), QStringLiteral("40"), QStringLiteral("120"), QStringLiteral("--"), cliBinary(),
                       QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("shell"), QStringLiteral("web"), QStringLiteral("--"),
                       QStringLiteral("sh"), QStringLiteral("-c"),
                       QStringLiteral("stty size; trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done") });
        QVERIFY(driver.waitForFinished(kWaitMs));
        QByteArray out = driver.readAllStandardOutput();
        QVERIFY2(out.contains("30 100"), out.constData());
        QVERIFY2(out.contains("40 120"), out.constData());
        QCOMPARE(driver.exitCode(), 0);
    }

    void serveStopsCleanlyOnSigtermAndSandboxesStay()
    {
        QTemporaryDir other;
        const QString dataDir = other.path() + QStringLiteral("/data");
        QProcess serve;
        serve.start(cliBinary(), { QStringLiteral("--data-dir"), dataDir, QStringLiteral("serve") });
        QVERIFY(serve.waitForReadyRead(kWaitMs)); // "paddock engine … serving …"
        QVERIFY(serve.readAllStandardOutput().contains("serving"));
        CliRun created = runCli(dataDir, { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("stays") });
        QCOMPARE(created.exitCode, 0);
        CliRun second = runCli(dataDir, { QStringLiteral("serve") });
        QCOMPARE(second.exitCode, 1); // one engine per data dir
        QVERIFY(second.err.contains("another Paddock engine"));
        serve.terminate();
        QVERIFY(serve.waitForFinished(kWaitMs));
        QCOMPARE(serve.exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.exitCode(), 0);
        CliRun exec = runCli(dataDir, { QStringLiteral("exec"), QStringLiteral("stays"), QStringLiteral("--"),
                                        QStringLiteral("echo"), QStringLiteral("still here") });
        QCOMPARE(exec.out, QByteArray("still here\n"));
        shutDownCliEngine(dataDir);
    }

    // The background engine the CLI started is asked, never started, by
    // `engine status|stop`; stopped, its sandboxes stay for the next one.
    void engineStopEndsTheBackgroundEngineAndSandboxesStay()
    {
        QTemporaryDir other;
        const QString dataDir = other.path() + QStringLiteral("/data");
        CliRun none = runCli(dataDir, { QStringLiteral("engine"), QStringLiteral("status") });
        QVERIFY2(none.exitCode == 3 && none.out.contains("no engine is running"), none.out + none.err);
        QVERIFY(!QFile::exists(dataDir + QStringLiteral("/engine.lock"))); // asking started none
        QCOMPARE(runCli(dataDir, { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("kept") }).exitCode, 0);
        CliRun running = runCli(dataDir, { QStringLiteral("engine"), QStringLiteral("status") });
        QVERIFY2(running.exitCode == 0 && running.out.contains("is running"), running.out + running.err);
        CliRun stop = runCli(dataDir, { QStringLiteral("engine"), QStringLiteral("stop") });
        QVERIFY2(stop.exitCode == 0 && stop.out.contains("stopped"), stop.out + stop.err);
        // Exited, not only silent: the next command's engine can take the data dir at once.
        const int lock = ::open(QFile::encodeName(dataDir + QStringLiteral("/engine.lock")).constData(), O_RDONLY | O_CLOEXEC);
        QVERIFY(lock >= 0);
        QCOMPARE(::flock(lock, LOCK_EX | LOCK_NB), 0);
        ::close(lock);
        QCOMPARE(runCli(dataDir, { QStringLiteral("engine"), QStringLiteral("status") }).exitCode, 3);
        CliRun again = runCli(dataDir, { QStringLiteral("engine"), QStringLiteral("stop") });
        QVERIFY2(again.exitCode == 0 && again.out.contains("no engine is running"), again.out + again.err);
        CliRun exec = runCli(dataDir, { QStringLiteral("exec"), QStringLiteral("kept"), QStringLiteral("--"),
                                        QStringLiteral("echo"), QStringLiteral("still here") });
        QCOMPARE(exec.out, QByteArray("still here\n"));
        CliRun usage = runCli(dataDir, { QStringLiteral("engine"), QStringLiteral("restart") });
        QVERIFY2(usage.exitCode == 2 && usage.err.contains("engine status|stop"), usage.err.constData());
        shutDownCliEngine(dataDir);
    }

    void stopStartAndRemove()
    {
        QCOMPARE(cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("sh"),
                       QStringLiteral("-c"), QStringLiteral("echo persisted > /usr/local/p") }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("stop"), QStringLiteral("web") }).exitCode, 0);
        CliRun stopped = cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("true") });
        QCOMPARE(stopped.exitCode, 1);
        QVERIFY(stopped.err.contains("stopped"));
        QCOMPARE(cli({ QStringLiteral("start"), QStringLiteral("web") }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("exec"), QStringLiteral("web"), QStringLiteral("--"), QStringLiteral("cat"),
                       QStringLiteral("/usr/local/p") }).out, QByteArray("persisted\n"));
        CliRun refused = cli({ QStringLiteral("rm"), QStringLiteral("web") });
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(refused.err.contains("--force"));
        QCOMPARE(cli({ QStringLiteral("rm"), QStringLiteral("--force"), QStringLiteral("web") }).exitCode, 0);
        QVERIFY(!cli({ QStringLiteral("ls") }).out.contains(" web "));
    }
};

QTEST_GUILESS_MAIN(TstCli)
#include "tst_cli.moc"
