// inotify instances and watches are counted per user: a sandbox that takes
// them all breaks inotify for every other sandbox and for the user's
// desktop. Each sandbox gets its own share (paddock-init writes its user
// namespace's /proc/sys/user limits), and the user keeps the rest.
#include "hostile_probe.h"

#include "paddock/file_watch.h"

#include <QFile>
#include <QTest>

#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

using namespace paddock;
using namespace paddock::test;

namespace {

// Tries to raise the limits (its own user namespace's: it has no
// capability there, and /proc/sys is read-only), then takes inotify
// instances, or watches (one per file it creates), until the kernel
// refuses, prints how many it got and holds them.
const char *const kGreedy = R"(
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
for name in ('max_inotify_instances', 'max_inotify_watches'):
    try:
        open('/proc/sys/user/' + name, 'w').write('100000000')
        print('raised', name, flush=True)
    except OSError:
        pass
got, err = 0, 0
if sys.argv[1] == 'instances':
    while got < 100000:
        if libc.inotify_init1(0) < 0:
            err = ctypes.get_errno(); break
        got += 1
else:
    fd = libc.inotify_init1(0)
    os.makedirs('/tmp/w', exist_ok=True)
    while got < 1000000:
        path = b'/tmp/w/%d' % got
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY))
        if libc.inotify_add_watch(fd, path, 2) < 0:
            err = ctypes.get_errno(); break
        got += 1
print('refused after %d: %s' % (got, os.strerror(err)), flush=True)
while True:
    signal.pause()
)";

// One inotify instance with one watch, or why not.
const char *const kOneWatch = "import ctypes\n"
                              "libc = ctypes.CDLL(None, use_errno=True)\n"
                              "fd = libc.inotify_init1(0)\n"
                              "ok = fd >= 0 and libc.inotify_add_watch(fd, b'/tmp', 2) >= 0\n"
                              "print('ok' if ok else 'refused: errno %d' % ctypes.get_errno())\n";

qint64 hostLimit(const char *name)
{
    QFile f(QStringLiteral("/proc/sys/user/") + QLatin1String(name));
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : -1;
}

// The share paddock-init gives a sandbox (user_limits.h): an eighth, at
// least `floor`, at most the user's own limit.
qint64 share(qint64 host, qint64 floor) { return std::min(host, std::max(floor, host / 8)); }

} // namespace

class TstHostileInotifyLimits : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    QString m_other; // a second sandbox of the same user
    QString m_greedy; // the process holding what it took, until the test ends

    // Runs kGreedy for `what` in the background; returns how much it got.
    qint64 takeAll(const QString &what)
    {
        auto p = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id,
                               CommandSpec { { QStringLiteral("python3"), QStringLiteral("-c"),
                                               QString::fromLatin1(kGreedy), what } },
                               {}, done);
        });
        if (!p)
            return -1;
        m_greedy = p->id;
        auto line = await<WaitResult>([&](Callback<WaitResult> done) {
            m_fx.engine->wait(m_fx.sandbox.id, p->id, WaitCondition { QStringLiteral("^refused after"), 120000 }, done);
        });
        if (!line)
            return -1;
        qInfo("%s: %s", qPrintable(what), qPrintable(line->matchedLine));
        return line->matchedLine.section(QLatin1Char(' '), 2, 2).remove(QLatin1Char(':')).toLongLong();
    }

    // The user (this test process) and another sandbox still get inotify.
    void othersStillGetInotify()
    {
        const int fd = ::inotify_init1(IN_CLOEXEC);
        const int wd = fd >= 0 ? ::inotify_add_watch(fd, "/tmp", IN_CREATE) : -1;
        const int err = errno;
        if (fd >= 0)
            ::close(fd);
        QVERIFY2(fd >= 0 && wd >= 0, qPrintable(QStringLiteral("the user's own inotify fails: %1").arg(qt_error_string(err))));
        ExecOutput other = execIn(*m_fx.engine, m_other, { QStringLiteral("python3"), QStringLiteral("-c"), QString::fromLatin1(kOneWatch) });
        QCOMPARE(other.out, QByteArray("ok\n"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("greedy"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto other = m_fx.engine->createSandbox({ QStringLiteral("bystander") });
        QVERIFY2(other, qPrintable(other ? QString() : other.error().message));
        m_other = other->id;
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    // What the greedy process took goes back, whatever the test found.
    void cleanup()
    {
        if (m_greedy.isEmpty())
            return;
        const QString proc = std::exchange(m_greedy, {});
        (void)await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, proc, 9, done); });
        (void)await<WaitResult>([&](Callback<WaitResult> done) { m_fx.engine->wait(m_fx.sandbox.id, proc, {}, done); });
        attack(m_fx, QStringLiteral("rm -rf /tmp/w"));
    }

    void instancesAreRefusedAtTheSandboxsShare()
    {
        const qint64 got = takeAll(QStringLiteral("instances"));
        QVERIFY2(got >= 0, "the probe did not report");
        othersStillGetInotify();
        if (QTest::currentTestFailed())
            return;
        // Its share, less what else in the sandbox holds (nothing, here).
        const qint64 limit = share(hostLimit("max_inotify_instances"), 8);
        QVERIFY2(got <= limit && got >= limit - 2, qPrintable(QStringLiteral("%1 of %2").arg(got).arg(limit)));
    }

    void watchesAreRefusedAtTheSandboxsShare()
    {
        const qint64 got = takeAll(QStringLiteral("watches"));
        QVERIFY2(got >= 0, "the probe did not report");
        othersStillGetInotify();
        if (QTest::currentTestFailed())
            return;
        const qint64 limit = share(hostLimit("max_inotify_watches"), 8192);
        QVERIFY2(got <= limit && got >= limit - 100, qPrintable(QStringLiteral("%1 of %2").arg(got).arg(limit)));
    }

    void theFilesTabStillWatchesWithinTheLimits()
    {
        auto watch = m_fx.engine->watchFiles(m_fx.sandbox.id, QStringLiteral("/root"), {});
        QVERIFY2(watch, qPrintable(watch ? QString() : watch.error().message));
        std::unique_ptr<FileWatch> owned(*watch);
        bool ready = false;
        QStringList seen;
        connect(owned.get(), &FileWatch::ready, this, [&] { ready = true; });
        connect(owned.get(), &FileWatch::changed, this, [&](const QList<FileEvent> &events) {
            for (const FileEvent &e : events)
                seen.append(e.path);
        });
        QVERIFY(QTest::qWaitFor([&] { return ready; }, kWaitMs));
        attack(m_fx, QStringLiteral("touch /root/seen-by-the-watch"));
        QVERIFY2(QTest::qWaitFor([&] { return seen.join(QLatin1Char(' ')).contains(QLatin1String("seen-by-the-watch")); }, kWaitMs),
                 qPrintable(seen.join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(TstHostileInotifyLimits)
#include "tst_hostile_inotify_limits.moc"
