// Processes and threads are counted per user: without a share of its own,
// one sandbox's fork bomb takes the PIDs every other sandbox's exec and
// files helpers need, and the desktop's. paddock-init bounds each sandbox
// to its share (RLIMIT_NPROC inside the sandbox's user namespace; see
// engine/init/user_limits.h).
#include "hostile_probe.h"

#include <QFile>
#include <QProcess>
#include <QTest>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

using namespace paddock;
using namespace paddock::test;

namespace {

// Starts threads (each a task the kernel counts, like a process, and
// cheap) until the kernel refuses or it has `argv[1]`, prints how many it
// got and holds them.
const char *const kGreedy = R"(
import signal, sys, threading
threading.stack_size(64 * 1024)
wanted, got, err = int(sys.argv[1]), 0, ''
hold = threading.Event()
while got < wanted:
    try:
        threading.Thread(target=hold.wait, daemon=True).start()
    except RuntimeError as e:
        err = str(e); break
    got += 1
print('refused after %d: %s' % (got, err or 'not refused'), flush=True)
while True:
    signal.pause()
)";

qint64 readNumber(const char *path)
{
    QFile f(QString::fromLatin1(path));
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : -1;
}

// The share paddock-init gives a sandbox: an eighth of the user's process
// limit or of the machine's PIDs and threads, whichever is least, at least 512.
qint64 expectedShare()
{
    rlimit user {};
    ::getrlimit(RLIMIT_NPROC, &user);
    qint64 machine = user.rlim_cur == RLIM_INFINITY ? -1 : qint64(user.rlim_cur);
    for (qint64 other : { readNumber("/proc/sys/kernel/pid_max"), readNumber("/proc/sys/kernel/threads-max") })
        if (other > 0 && (machine < 0 || other < machine))
            machine = other;
    return std::min(machine, std::max<qint64>(512, machine / 8));
}

} // namespace

class TstHostileProcessShare : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    QString m_other; // a second sandbox of the same user
    QString m_greedy; // the process holding its threads, until the test ends

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("forker"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto other = m_fx.engine->createSandbox({ QStringLiteral("bystander") });
        QVERIFY2(other, qPrintable(other ? QString() : other.error().message));
        m_other = other->id;
    }

    void cleanupTestCase()
    {
        if (!m_greedy.isEmpty())
            (void)await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, m_greedy, 9, done); });
        m_fx.tearDown();
    }

    // Set for every process inside, and not to be raised from there.
    void theShareIsSetAndCannotBeRaised()
    {
        const QByteArray share = QByteArray::number(expectedShare());
        ExecOutput r = pythonAttack(m_fx, QStringLiteral(
            "import resource\n"
            "print(*resource.getrlimit(resource.RLIMIT_NPROC))\n"
            "for wanted in ((resource.RLIM_INFINITY,) * 2, (1 << 30,) * 2):\n"
            "    try:\n        resource.setrlimit(resource.RLIMIT_NPROC, wanted); print('raised')\n"
            "    except (ValueError, OSError):\n        pass\n"));
        QVERIFY2(r.out.startsWith(share + ' ' + share + '\n'), (r.out + r.err).constData());
        QVERIFY2(!r.out.contains("raised"), r.out.constData());
    }

    void aForkBombStopsAtItsShareAndOthersStillRun()
    {
        if (::geteuid() == 0)
            QSKIP("the kernel does not count root's processes against RLIMIT_NPROC: run as an ordinary user (scripts/test does)");
        const qint64 share = expectedShare();
        auto p = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id,
                               CommandSpec { { QStringLiteral("python3"), QStringLiteral("-c"), QString::fromLatin1(kGreedy),
                                               QString::number(share + 64) } },
                               {}, done);
        });
        QVERIFY(p);
        m_greedy = p->id;
        auto line = await<WaitResult>([&](Callback<WaitResult> done) {
            m_fx.engine->wait(m_fx.sandbox.id, p->id, WaitCondition { QStringLiteral("^refused after"), 120000 }, done);
        });
        QVERIFY(line);
        qInfo("%s", qPrintable(line->matchedLine));
        const qint64 got = line->matchedLine.section(QLatin1Char(' '), 2, 2).remove(QLatin1Char(':')).toLongLong();
        // Its share, less what else in the sandbox runs (PID 1, the process itself).
        QVERIFY2(got < share && got >= share - 64, qPrintable(QStringLiteral("%1 threads, share %2").arg(got).arg(share)));
        // The bystander's exec and files helper, and the user, still get processes.
        QCOMPARE(execIn(*m_fx.engine, m_other, { QStringLiteral("echo"), QStringLiteral("alive") }).out, QByteArray("alive\n"));
        auto listing = await<QList<FileInfo>>([&](Callback<QList<FileInfo>> done) {
            m_fx.engine->listFiles(m_other, QStringLiteral("/"), done);
        });
        QVERIFY2(listing, qPrintable(listing ? QString() : listing.error().message));
        QProcess user;
        user.start(QStringLiteral("true"));
        QVERIFY(user.waitForFinished(10000) && user.exitCode() == 0);
    }
};

QTEST_GUILESS_MAIN(TstHostileProcessShare)
#include "tst_hostile_process_share.moc"
