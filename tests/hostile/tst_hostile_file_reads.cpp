// Reads of what a sandbox holds are bounded, whatever it put there: an
// endless pseudo-file, one longer than the bound, a file that grows while
// it is read, a device, a FIFO or a socket behind an innocent name.
#include "hostile_probe.h"

#include "paddock/api_server.h"
#include "paddock/file_download.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

constexpr qint64 kBound = 4 << 20; // paddock-init's kMaxPseudoFileBytes
constexpr qint64 kMiB = 1 << 20;

struct Download {
    QByteArray bytes;
    qint64 received = 0;
    std::optional<Error> error;
    bool finished = false;
};

} // namespace

class TstHostileFileReads : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    std::unique_ptr<api::ApiServer> m_api; // for the CLI, on this thread

    // `paddock files cat SB PATH` against this engine, whose thread must
    // keep serving while the CLI waits: the event loop spins meanwhile.
    CliRun filesCat(const QString &path)
    {
        QProcess p;
        p.start(cliBinary(), { QStringLiteral("--data-dir"), m_fx.data->paths().dataDir(), QStringLiteral("files"),
                               QStringLiteral("cat"), m_fx.sandbox.name, path });
        CliRun run;
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, kWaitMs)) {
            p.kill();
            p.waitForFinished();
            run.err = "test: paddock files cat timed out";
        }
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        run.out = p.readAllStandardOutput();
        run.err += p.readAllStandardError();
        return run;
    }

    // Reads through the streamed download, giving up (and saying so) past
    // `cap` bytes, so an endless stream fails the test instead of hanging it.
    Download download(const QString &path, qint64 cap = 64 * kMiB)
    {
        Download d;
        auto opened = m_fx.engine->openDownload(m_fx.sandbox.id, path);
        if (!opened) {
            d.error = opened.error();
            return d;
        }
        FileDownload *dl = *opened;
        connect(dl, &FileDownload::data, this, [&](const QByteArray &b) {
            d.received += b.size();
            if (d.bytes.size() < 16 * kMiB)
                d.bytes += b;
        });
        connect(dl, &FileDownload::finished, this, [&] { d.finished = true; });
        connect(dl, &FileDownload::failed, this, [&](const Error &e) { d.error = e; });
        (void)QTest::qWaitFor([&] { return d.finished || d.error || d.received > cap; }, kWaitMs);
        delete dl;
        return d;
    }

    // The sandbox pid of a process whose cmdline is longer than the bound.
    QString pidWithLongCommandLine()
    {
        QString pid;
        (void)QTest::qWaitFor([&] {
            pid = QString::fromUtf8(attack(m_fx, QStringLiteral(
                "for p in /proc/[0-9]*; do [ $(wc -c < $p/cmdline) -gt %1 ] 2>/dev/null && echo ${p#/proc/}; done").arg(kBound)).out.trimmed());
            return !pid.isEmpty();
        }, kWaitMs);
        return pid;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("reads"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_api = std::make_unique<api::ApiServer>(*m_fx.engine);
        auto listening = m_api->listen();
        QVERIFY2(listening, listening ? "" : qPrintable(listening.error().message));
    }

    void cleanupTestCase()
    {
        m_api.reset();
        m_fx.tearDown();
    }

    // /proc/self/pagemap is 8 bytes per page of the helper's address
    // space: hundreds of GiB, once streamed at ~60 MB/s.
    void aLinkToPagemapIsRefusedAtOnce()
    {
        QCOMPARE(attack(m_fx, QStringLiteral("ln -sfn /proc/self/pagemap /root/pm")).shellStatus(), 0);
        QElapsedTimer timer;
        timer.start();
        Download d = download(QStringLiteral("/root/pm"));
        QVERIFY2(d.received <= kBound, qPrintable(QStringLiteral("%1 bytes streamed").arg(d.received)));
        QVERIFY2(d.error && !d.finished, "the read did not fail");
        QVERIFY2(d.error->message.contains(QLatin1String("refused")), qPrintable(d.error->message));
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QStringLiteral("took %1 ms").arg(timer.elapsed())));
    }

    // A workload's pagemap is not the helper's to read at all (another user
    // namespace): refused at open, with no byte sent.
    void aLinkToAWorkloadsPagemapSendsNothing()
    {
        auto sleeper = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id, CommandSpec { { QStringLiteral("sleep"), QStringLiteral("1000") } }, QStringLiteral("pm"), done);
        });
        QVERIFY(sleeper);
        QCOMPARE(attack(m_fx, QStringLiteral("ln -sfn /proc/$(pgrep -x sleep | head -1)/pagemap /root/wpm")).shellStatus(), 0);
        CliRun cat = filesCat(QStringLiteral("/root/wpm"));
        QCOMPARE(cat.exitCode, 1);
        QVERIFY2(cat.out.isEmpty(), qPrintable(QStringLiteral("%1 bytes").arg(cat.out.size())));
        QVERIFY2(cat.err.contains("cannot read /root/wpm"), cat.err.constData());
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, sleeper->id, 9, done); }));
    }

    // /proc/PID/cmdline is readable by every process and as long as a
    // workload makes its arguments (up to 6 MiB): past the bound it is
    // refused whole, with a message that says why, and nothing is sent.
    void aPseudoFileLongerThanTheBoundIsRefusedWhole()
    {
        auto big = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            CommandSpec cmd;
            cmd.argv = { QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("ulimit -s unlimited; exec python3 -c 'import os, sys; "
                                        "os.execv(sys.executable, [sys.executable, \"-c\", \"import time; time.sleep(1000)\"] + [\"a\" * 131071] * 40)'") };
            m_fx.engine->spawn(m_fx.sandbox.id, cmd, QStringLiteral("long-cmdline"), done);
        });
        QVERIFY(big);
        const QString pid = pidWithLongCommandLine();
        QVERIFY2(!pid.isEmpty(), "no process with a cmdline past the bound");
        QCOMPARE(attack(m_fx, QStringLiteral("ln -sfn /proc/%1/cmdline /root/long").arg(pid)).shellStatus(), 0);
        Download d = download(QStringLiteral("/root/long"));
        QCOMPARE(d.received, 0);
        QVERIFY2(d.error, "a pseudo-file past the bound was read");
        QVERIFY2(d.error->message.contains(QLatin1String("pseudo-file (procfs) longer than 4 MiB")), qPrintable(d.error->message));
        CliRun cat = filesCat(QStringLiteral("/root/long"));
        QCOMPARE(cat.exitCode, 1);
        QVERIFY(cat.out.isEmpty());
        QVERIFY2(cat.err.contains("longer than 4 MiB"), cat.err.constData());
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, big->id, 9, done); }));
        // One under the bound is read whole.
        Download cpuinfo = download(QStringLiteral("/proc/cpuinfo"));
        QVERIFY(cpuinfo.finished && cpuinfo.bytes.contains("processor"));
    }

    // The helper reads a file only as far as it was long when opened: a
    // workload that appends meanwhile cannot make the read endless.
    void aGrowingFileIsReadOnlyToItsSizeAtOpen()
    {
        QCOMPARE(attack(m_fx, QStringLiteral("head -c 16777216 /dev/zero > /tmp/grow")).shellStatus(), 0);
        auto opened = m_fx.engine->openDownload(m_fx.sandbox.id, QStringLiteral("/tmp/grow"));
        QVERIFY(opened);
        FileDownload *dl = *opened;
        dl->setPaused(true); // before a byte is read: the helper soon waits in send()
        Download d;
        connect(dl, &FileDownload::data, this, [&](const QByteArray &b) { d.received += b.size(); });
        connect(dl, &FileDownload::finished, this, [&] { d.finished = true; });
        connect(dl, &FileDownload::failed, this, [&](const Error &e) { d.error = e; });
        QCOMPARE(attack(m_fx, QStringLiteral("head -c 33554432 /dev/zero >> /tmp/grow; wc -c < /tmp/grow")).out.trimmed(), QByteArray("50331648"));
        dl->setPaused(false);
        QVERIFY(QTest::qWaitFor([&] { return d.finished || d.error; }, kWaitMs));
        delete dl;
        QVERIFY2(d.finished, d.error ? qPrintable(d.error->message) : "no end");
        QCOMPARE(d.received, 16 * kMiB);
        attack(m_fx, QStringLiteral("rm /tmp/grow"));
    }

    void nonRegularFilesAreRefusedByKind()
    {
        QCOMPARE(attack(m_fx, QStringLiteral("mkfifo /tmp/fifo; ln -sfn /dev/zero /root/zero; "
                                             "python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind(\"/tmp/sock\")'")).shellStatus(), 0);
        const std::pair<const char *, const char *> cases[] = {
            { "/dev/zero", "a character device" }, { "/root/zero", "a character device" },
            { "/tmp/fifo", "a FIFO" }, { "/tmp/sock", "a socket" },
        };
        for (const auto &[path, kind] : cases) {
            QElapsedTimer timer;
            timer.start();
            Download d = download(QString::fromLatin1(path));
            QVERIFY2(d.error && d.received == 0, path);
            QCOMPARE(d.error->code, ErrorCode::InvalidArgument);
            QVERIFY2(d.error->message.contains(QLatin1String(kind)) && d.error->message.contains(QLatin1String("not a regular file")),
                     qPrintable(d.error->message));
            QVERIFY(timer.elapsed() < 10000);
        }
    }
};

QTEST_GUILESS_MAIN(TstHostileFileReads)
#include "tst_hostile_file_reads.moc"
