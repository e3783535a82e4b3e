// The file API against a real sandbox: every operation, done inside by the
// files helper, and the ways a path could try to reach the host.
#include "test_support.h"

#include <QFile>
#include <QTimer>

#include "paddock/file_download.h"
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstFiles : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    QString sh(const QString &script) { return QString::fromUtf8(execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("sh"), QStringLiteral("-c"), script }).out); }

    Result<QByteArray> read(const QString &path)
    {
        QByteArray content;
        auto r = await<qint64>([&](Callback<qint64> done) {
            m_fx.engine->readFile(m_fx.sandbox.id, path, [&](const QByteArray &chunk) { content += chunk; }, done);
        });
        if (!r)
            return tl::unexpected(r.error());
        if (*r != content.size())
            return fail(ErrorCode::Internal, QStringLiteral("size mismatch"));
        return content;
    }
    Result<void> write(const QString &path, const QByteArray &data, uint mode = 0644)
    {
        return await<void>([&](Callback<void> done) { m_fx.engine->writeFile(m_fx.sandbox.id, path, data, mode, done); });
    }
    Result<FileInfo> stat(const QString &path)
    {
        return await<FileInfo>([&](Callback<FileInfo> done) { m_fx.engine->statFile(m_fx.sandbox.id, path, done); });
    }
    Result<QList<FileInfo>> list(const QString &path)
    {
        return await<QList<FileInfo>>([&](Callback<QList<FileInfo>> done) { m_fx.engine->listFiles(m_fx.sandbox.id, path, done); });
    }
    Result<void> mkdir(const QString &path, bool parents)
    {
        return await<void>([&](Callback<void> done) { m_fx.engine->makeDirectory(m_fx.sandbox.id, path, parents, done); });
    }
    Result<void> remove(const QString &path, bool recursive)
    {
        return await<void>([&](Callback<void> done) { m_fx.engine->removePath(m_fx.sandbox.id, path, recursive, done); });
    }
    Result<void> move(const QString &from, const QString &to)
    {
        return await<void>([&](Callback<void> done) { m_fx.engine->movePath(m_fx.sandbox.id, from, to, done); });
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("files"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void writeThenReadTextAndBinary()
    {
        QVERIFY(write(QStringLiteral("/tmp/hello.txt"), "hello\n"));
        QCOMPARE(sh(QStringLiteral("cat /tmp/hello.txt")), QStringLiteral("hello\n"));
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary.append(char(i));
        QVERIFY(write(QStringLiteral("/tmp/bin"), binary));
        QCOMPARE(*read(QStringLiteral("/tmp/bin")), binary);
    }

    void relativePathsAreInRootsHome()
    {
        QVERIFY(write(QStringLiteral("notes.txt"), "n"));
        QCOMPARE(sh(QStringLiteral("cat /root/notes.txt")), QStringLiteral("n"));
    }

    void largeFilesStreamBothWays()
    {
        QByteArray big(5 * 1024 * 1024 + 17, 'x');
        for (qsizetype i = 0; i < big.size(); i += 4096)
            big[i] = char('a' + (i / 4096) % 26);
        QVERIFY(write(QStringLiteral("/tmp/big"), big));
        QCOMPARE(sh(QStringLiteral("stat -c %s /tmp/big")).trimmed(), QString::number(big.size()));
        auto back = read(QStringLiteral("/tmp/big"));
        QVERIFY(back);
        QVERIFY(*back == big);
    }

    void aPausedDownloadWaitsAndThenCompletes()
    {
        auto d = m_fx.engine->openDownload(m_fx.sandbox.id, QStringLiteral("/tmp/big")); // 5 MiB, from above
        QVERIFY(d);
        std::unique_ptr<FileDownload> download(*d);
        qint64 got = 0, size = -1;
        connect(download.get(), &FileDownload::data, this, [&](const QByteArray &b) {
            got += b.size();
            download->setPaused(true); // a consumer that takes one piece at a time
        });
        connect(download.get(), &FileDownload::finished, this, [&](qint64 n) { size = n; });
        QVERIFY(QTest::qWaitFor([&] { return got > 0; }, 5000));
        QTest::qWait(200);
        const qint64 whilePaused = got;
        QVERIFY2(whilePaused < 5 * 1024 * 1024, "a paused download kept delivering");
        while (size < 0) {
            const qint64 before = got;
            download->setPaused(false);
            QVERIFY(QTest::qWaitFor([&] { return got > before || size >= 0; }, 5000));
        }
        QCOMPARE(size, qint64(5 * 1024 * 1024 + 17));
        QCOMPARE(got, size);
    }

    void writeIsAtomicAndKeepsTheMode()
    {
        sh(QStringLiteral("printf old > /tmp/script; chmod 750 /tmp/script"));
        QVERIFY(write(QStringLiteral("/tmp/script"), "new", 0600));
        QCOMPARE(sh(QStringLiteral("cat /tmp/script; stat -c ' %a' /tmp/script")), QStringLiteral("new 750\n"));
        QVERIFY(write(QStringLiteral("/tmp/fresh"), "x", 0600));
        QCOMPARE(sh(QStringLiteral("stat -c %a /tmp/fresh")), QStringLiteral("600\n"));
        // No temporary file is left behind.
        QCOMPARE(sh(QStringLiteral("ls -A /tmp | grep -c paddock")), QStringLiteral("0\n"));
    }

    void statAndListDescribeEntries()
    {
        sh(QStringLiteral("mkdir -p /tmp/l/sub && printf abc > /tmp/l/f && ln -s /etc/hostname /tmp/l/link && mkfifo /tmp/l/fifo"));
        auto info = stat(QStringLiteral("/tmp/l/f"));
        QVERIFY(info);
        QCOMPARE(info->kind, FileKind::File);
        QCOMPARE(info->size, 3);
        QVERIFY(qAbs(info->modified.secsTo(QDateTime::currentDateTimeUtc())) < 60);
        auto link = stat(QStringLiteral("/tmp/l/link"));
        QVERIFY(link);
        QCOMPARE(link->kind, FileKind::Symlink);
        QCOMPARE(link->linkTarget, QStringLiteral("/etc/hostname"));
        auto entries = list(QStringLiteral("/tmp/l"));
        QVERIFY(entries);
        QMap<QString, FileKind> kinds;
        for (const FileInfo &e : *entries)
            kinds.insert(e.name, e.kind);
        QCOMPARE(kinds.size(), 4);
        QCOMPARE(kinds.value(QStringLiteral("sub")), FileKind::Directory);
        QCOMPARE(kinds.value(QStringLiteral("fifo")), FileKind::Other);
        QCOMPARE(stat(QStringLiteral("/"))->kind, FileKind::Directory);
    }

    void largeDirectoriesListCompletely()
    {
        sh(QStringLiteral("mkdir /tmp/many && cd /tmp/many && seq 1 5000 | xargs touch"));
        auto entries = list(QStringLiteral("/tmp/many"));
        QVERIFY(entries);
        QCOMPARE(entries->size(), 5000);
    }

    void missingPathsAreNotFound()
    {
        auto r = read(QStringLiteral("/nope/missing"));
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NotFound);
        QVERIFY2(r.error().message.contains(QLatin1String("/nope/missing")), qPrintable(r.error().message));
        QVERIFY(r.error().message.startsWith(QLatin1String("sandbox 'files'")));
        QCOMPARE(stat(QStringLiteral("/nope")).error().code, ErrorCode::NotFound);
    }

    void specialFilesAreNotRead()
    {
        // A FIFO would block the helper forever, a device is not a file.
        auto fifo = read(QStringLiteral("/tmp/l/fifo"));
        QVERIFY(!fifo);
        QCOMPARE(fifo.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!read(QStringLiteral("/dev/zero")));
        QCOMPARE(read(QStringLiteral("/tmp")).error().code, ErrorCode::InvalidArgument); // a directory
    }

    void mkdirRemoveAndMove()
    {
        QVERIFY(mkdir(QStringLiteral("/tmp/a/b/c"), true));
        QVERIFY(mkdir(QStringLiteral("/tmp/a/b/c"), true)); // -p: already there is fine
        auto again = mkdir(QStringLiteral("/tmp/a"), false);
        QCOMPARE(again.error().code, ErrorCode::Conflict);
        QCOMPARE(mkdir(QStringLiteral("/tmp/x/y"), false).error().code, ErrorCode::NotFound);
        QVERIFY(write(QStringLiteral("/tmp/a/b/c/f"), "f"));
        QCOMPARE(remove(QStringLiteral("/tmp/a"), false).error().code, ErrorCode::Conflict); // not empty
        QVERIFY(move(QStringLiteral("/tmp/a/b/c/f"), QStringLiteral("/tmp/a/g")));
        QCOMPARE(sh(QStringLiteral("cat /tmp/a/g; test -e /tmp/a/b/c/f || echo gone")), QStringLiteral("fgone\n"));
        QVERIFY(remove(QStringLiteral("/tmp/a"), true));
        QCOMPARE(sh(QStringLiteral("test -e /tmp/a || echo removed")), QStringLiteral("removed\n"));
        QVERIFY(!remove(QStringLiteral("/"), true));
    }

    // Escapes: each must stay inside the sandbox, and the host be untouched.
    void dotDotAboveTheRootIsRefused()
    {
        for (const char *path : { "/../../../../etc/passwd", "../../etc/passwd", "../../../../tmp/escape", "/tmp/../../etc/shadow" }) {
            auto r = read(QString::fromLatin1(path));
            QVERIFY(!r);
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(r.error().message.contains(QLatin1String("climbs above the sandbox's root")), qPrintable(r.error().message));
        }
        QCOMPARE(write(QStringLiteral("../../../../tmp/escape-dotdot"), "x").error().code, ErrorCode::InvalidArgument);
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/escape-dotdot")));
        // `..` that stays inside is an ordinary path.
        sh(QStringLiteral("echo inside > /etc/paddock-marker"));
        QCOMPARE(*read(QStringLiteral("/tmp/../etc/paddock-marker")), QByteArray("inside\n"));
        // A symlink's `..` is resolved inside: it never reaches the host.
        sh(QStringLiteral("ln -sfn ../../../../../etc /tmp/up"));
        QCOMPARE(*read(QStringLiteral("/tmp/up/paddock-marker")), QByteArray("inside\n"));
    }

    void absoluteSymlinksResolveInside()
    {
        const QString hostFile = QDir::tempPath() + QStringLiteral("/paddock-host-secret");
        QFile secret(hostFile);
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("host secret");
        secret.close();
        sh(QStringLiteral("ln -sf %1 /tmp/to-host; ln -sfn / /tmp/rootlink").arg(hostFile));
        QCOMPARE(read(QStringLiteral("/tmp/to-host")).error().code, ErrorCode::NotFound);
        QVERIFY(write(QStringLiteral("/tmp/rootlink/tmp/through-link"), "inside"));
        QCOMPARE(sh(QStringLiteral("cat /tmp/through-link")), QStringLiteral("inside"));
        QVERIFY(write(QStringLiteral("/tmp/to-host"), "overwritten"));
        secret.open(QIODevice::ReadOnly);
        QCOMPARE(secret.readAll(), QByteArray("host secret"));
        QFile::remove(hostFile);
    }

    void procMagicLinksAreRefused()
    {
        for (const char *path : { "/proc/self/root/etc/hostname", "/proc/1/root/etc/passwd", "/proc/1/cwd/x",
                                  "/proc/self/fd/0", "/proc/self/cwd/../etc/hostname" }) {
            auto r = read(QString::fromLatin1(path));
            QVERIFY2(!r, path);
            QVERIFY2(r.error().message.contains(QLatin1String("not followed")) || r.error().code == ErrorCode::NotFound
                         || r.error().code == ErrorCode::PermissionDenied,
                     qPrintable(r.error().message));
        }
        QVERIFY(!write(QStringLiteral("/proc/1/root/tmp/x"), "x"));
    }

    void symlinkSwappedDuringCallsStaysInside()
    {
        // A workload flips a symlink between a directory inside and "/"
        // while files are written through it: every write lands inside.
        sh(QStringLiteral("mkdir -p /tmp/real && ln -sfn /tmp/real /tmp/flip"));
        auto flipper = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            CommandSpec cmd;
            cmd.argv = { QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("while :; do ln -sfn / /tmp/flip; ln -sfn /tmp/real /tmp/flip; done") };
            m_fx.engine->spawn(m_fx.sandbox.id, cmd, QStringLiteral("flipper"), done);
        });
        QVERIFY(flipper);
        for (int i = 0; i < 200; ++i)
            (void)write(QStringLiteral("/tmp/flip/race-%1").arg(i), "r");
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, flipper->id, 9, done); }));
        const QString landed = sh(QStringLiteral("ls /tmp/real /  | grep -c race-"));
        QVERIFY(landed.toInt() > 0);
        QVERIFY(!QFile::exists(QStringLiteral("/race-0")));
    }

    void helperKilledFromInsideIsReplaced()
    {
        QVERIFY(write(QStringLiteral("/tmp/before"), "1"));
        // The helper is a process of the sandbox, so the workload may kill
        // it; the engine starts a new one on the next request.
        const QString killed = sh(QStringLiteral("for p in /proc/[0-9]*; do n=${p#/proc/}; [ $n != 1 ] && [ $n != $$ ] && "
                                                 "grep -q paddock-init $p/cmdline 2>/dev/null && kill -9 $n && echo killed; done"));
        // At least the shared helper; one of a transfer that is still ending may be there too.
        QVERIFY2(killed.startsWith(QStringLiteral("killed\n")), qPrintable(killed));
        QVERIFY(write(QStringLiteral("/tmp/after"), "2"));
        QCOMPARE(*read(QStringLiteral("/tmp/after")), QByteArray("2"));
    }

    void stoppedSandboxSaysSo()
    {
        auto stopped = await<SandboxInfo>([&](Callback<SandboxInfo> done) { m_fx.engine->stopSandbox(m_fx.sandbox.id, done); });
        QVERIFY(stopped);
        auto r = read(QStringLiteral("/etc/hostname"));
        QCOMPARE(r.error().code, ErrorCode::NotRunning);
    }
};

QTEST_GUILESS_MAIN(TstFiles)
#include "tst_files.moc"
