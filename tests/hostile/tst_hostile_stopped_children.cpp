// A workload stops what PID 1 forks — a command on its way to exec, a
// files helper — to wedge PID 1 or the engine: every later exec and file
// call would hang. PID 1 never waits on a workload process, and every
// engine call to PID 1 and to a files helper has a deadline.
#include "hostile_probe.h"

#include <QElapsedTimer>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

// Holds exec of /tmp/trap in open(): a write lease on the program makes
// the kernel tell the lease holder (SIGIO) the moment PID 1's child opens
// it to exec — with the child still named paddock-init, waiting for the
// lease. The holder then stops every paddock-init it had not seen when it
// was armed (not PID 1, not files helpers that predate it), which ends
// that wait with the child stopped before exec. The lease is kept: let go,
// it would let the open finish before the stop is acted on. So the child
// is caught, deterministically, on the first exec of the trap.
const char *const kTrapSetter = R"(
import fcntl, os, shutil, signal
shutil.copy('/bin/true', '/tmp/trap'); os.chmod('/tmp/trap', 0o755)
def inits():
    found = set()
    for p in os.listdir('/proc'):
        try:
            if p.isdigit() and p != '1' and open('/proc/%s/comm' % p).read().strip() == 'paddock-init':
                found.add(p)
        except OSError:
            pass
    return found
before = inits()
fd = os.open('/tmp/trap', os.O_RDONLY)
def stop_the_opener(sig, frame):
    for p in inits() - before:
        os.kill(int(p), signal.SIGSTOP)
        print('stopped', p, flush=True)
signal.signal(signal.SIGIO, stop_the_opener)
fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
print('armed', flush=True)
while True:
    signal.pause()
)";

// Every process but PID 1 still named paddock-init is a files helper here
// (forked, never exec'd): stop them all.
const char *const kStopHelpers = "for p in /proc/[0-9]*; do n=${p#/proc/}; "
                                 "[ \"$n\" != 1 ] && [ \"$(cat $p/comm 2>/dev/null)\" = paddock-init ] "
                                 "&& kill -STOP $n && echo stopped $n; done; true";

// Processes of the sandbox in the stopped state (T), as "pid comm" lines.
const char *const kListStopped = "for s in /proc/[0-9]*/status; do "
                                 "grep -q '^State:.*T (stopped)' $s 2>/dev/null && grep '^Name:' $s; done; true";

} // namespace

class TstHostileStoppedChildren : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    Result<FileInfo> stat(const QString &path, int timeoutMs = kWaitMs)
    {
        return await<FileInfo>([&](Callback<FileInfo> done) { m_fx.engine->statFile(m_fx.sandbox.id, path, done); },
                               timeoutMs);
    }

    Result<ProcessInfo> spawn(const QStringList &argv)
    {
        return await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id, CommandSpec { argv }, {}, done);
        });
    }

    Result<WaitResult> waitForLine(const QString &proc, const QString &pattern)
    {
        return await<WaitResult>([&](Callback<WaitResult> done) {
            m_fx.engine->wait(m_fx.sandbox.id, proc, WaitCondition { pattern, 20000 }, done);
        });
    }

    // Stopped processes go: PID 1 kills what it gave up on.
    bool noProcessStaysStopped()
    {
        return QTest::qWaitFor([&] { return attack(m_fx, QString::fromLatin1(kListStopped)).out.isEmpty(); }, 20000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("stopped"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void commandStoppedBeforeExecFailsAndPid1KeepsServing()
    {
        auto trap = spawn({ QStringLiteral("python3"), QStringLiteral("-c"), QString::fromLatin1(kTrapSetter) });
        QVERIFY2(trap, qPrintable(trap ? QString() : trap.error().message));
        auto armed = waitForLine(trap->id, QStringLiteral("^armed$"));
        QVERIFY2(armed, qPrintable(armed ? QString() : armed.error().message));

        auto caught = m_fx.engine->exec(m_fx.sandbox.id, CommandSpec { { QStringLiteral("/tmp/trap") } });
        QVERIFY(caught);
        std::optional<Error> caughtError;
        bool caughtRan = false;
        connect(*caught, &ExecSession::failed, this, [&](const Error &e) { caughtError = e; });
        connect(*caught, &ExecSession::finished, this, [&] { caughtRan = true; });
        QElapsedTimer clock;
        clock.start();
        auto stopped = waitForLine(trap->id, QStringLiteral("^stopped \\d+$"));
        QVERIFY2(stopped, qPrintable(stopped ? QString() : stopped.error().message));

        // PID 1 serves everything else while its child stays stopped: well
        // before the caught command's deadline, and with nothing waiting on it.
        ExecOutput alive = attack(m_fx, QStringLiteral("echo alive"));
        QVERIFY2(!alive.error, qPrintable(alive.error ? alive.error->message : QString()));
        QCOMPARE(alive.out, QByteArray("alive\n"));
        auto root = stat(QStringLiteral("/"));
        QVERIFY2(root, qPrintable(root ? QString() : root.error().message));
        auto other = spawn({ QStringLiteral("true") });
        QVERIFY2(other, qPrintable(other ? QString() : other.error().message));
        QVERIFY2(clock.elapsed() < 9000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
        QVERIFY(!caughtError && !caughtRan);

        // The caught command fails with a clear deadline error, and its
        // stopped child is killed.
        QVERIFY(QTest::qWaitFor([&] { return caughtError.has_value() || caughtRan; }, 30000));
        QVERIFY2(caughtError, "the stopped command ran");
        qInfo("the caught exec: %s", qPrintable(caughtError->message));
        QCOMPARE(caughtError->code, ErrorCode::Timeout);
        QVERIFY2(caughtError->message.contains(QLatin1String("did not start within 10 s"))
                     && caughtError->message.contains(QLatin1String("sandbox 'stopped'")),
                 qPrintable(caughtError->message));
        m_fx.engine->kill(m_fx.sandbox.id, trap->id, 9, [](Result<void>) { });
        QVERIFY2(noProcessStaysStopped(), attack(m_fx, QString::fromLatin1(kListStopped)).out.constData());
        QCOMPARE(attack(m_fx, QStringLiteral("echo still")).out, QByteArray("still\n"));
    }

    void stoppedFilesHelperFailsTheCallInTimeAndIsReplaced()
    {
        QVERIFY(stat(QStringLiteral("/root"))); // the shared helper is up
        ExecOutput stopped = attack(m_fx, QString::fromLatin1(kStopHelpers));
        QVERIFY2(stopped.out.startsWith("stopped "), stopped.out.constData());

        QElapsedTimer clock;
        clock.start();
        auto hung = stat(QStringLiteral("/root"));
        QVERIFY2(!hung, "the stopped helper answered");
        QVERIFY2(clock.elapsed() < 20000, qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
        qInfo("after %lld ms: %s", clock.elapsed(), qPrintable(hung.error().message));
        QCOMPARE(hung.error().code, ErrorCode::Timeout);
        QVERIFY2(hung.error().message.contains(QLatin1String("files helper did not answer stat /root within 10 s"))
                     && hung.error().message.contains(QLatin1String("sandbox 'stopped'")),
                 qPrintable(hung.error().message));

        // The next call gets a new helper; PID 1 kills the stopped one.
        auto again = stat(QStringLiteral("/root"));
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QVERIFY2(noProcessStaysStopped(), attack(m_fx, QString::fromLatin1(kListStopped)).out.constData());
        QVERIFY(stat(QStringLiteral("/tmp")));
    }
};

QTEST_GUILESS_MAIN(TstHostileStoppedChildren)
#include "tst_hostile_stopped_children.moc"
