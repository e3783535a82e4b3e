// `paddock files …` and `paddock cp` end to end, through the API and an
// automatically started engine.
#include "test_support.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace paddock::test;

class TstCliFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dataDir;

    CliRun cli(const QStringList &args) { return runCli(m_dataDir, args); }

    // `paddock files write` reads its content from stdin.
    CliRun writeFromStdin(const QStringList &args, const QByteArray &content)
    {
        QProcess p;
        p.start(cliBinary(), QStringList { QStringLiteral("--data-dir"), m_dataDir } + args);
        p.write(content);
        p.closeWriteChannel();
        p.waitForFinished(kWaitMs);
        return { p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError() };
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dataDir = m_tmp.path() + QStringLiteral("/data");
        CliRun r = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("f") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void cleanupTestCase() { shutDownCliEngine(m_dataDir); }

    void writeCatAndList()
    {
        CliRun w = writeFromStdin({ QStringLiteral("files"), QStringLiteral("write"), QStringLiteral("f"),
                                    QStringLiteral("/tmp/a.txt"), QStringLiteral("--mode"), QStringLiteral("600") },
                                  "content\n");
        QVERIFY2(w.exitCode == 0, w.err.constData());
        CliRun c = cli({ QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("f"), QStringLiteral("/tmp/a.txt") });
        QCOMPARE(c.out, QByteArray("content\n"));
        CliRun ls = cli({ QStringLiteral("files"), QStringLiteral("ls"), QStringLiteral("f"), QStringLiteral("/tmp") });
        QVERIFY2(ls.out.contains("- 0600            8 ") && ls.out.contains(" a.txt\n"), ls.out.constData());
        CliRun json = cli({ QStringLiteral("files"), QStringLiteral("stat"), QStringLiteral("f"), QStringLiteral("/tmp/a.txt"), QStringLiteral("--json") });
        QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("size")).toInt(), 8);
    }

    void uploadsLargerThanOrdinaryRequests()
    {
        // Ordinary API bodies stop at 8 MiB; file content may be larger.
        const QByteArray big(12 * 1024 * 1024, 'z');
        CliRun w = writeFromStdin({ QStringLiteral("files"), QStringLiteral("write"), QStringLiteral("f"), QStringLiteral("/tmp/big") }, big);
        QVERIFY2(w.exitCode == 0, w.err.constData());
        CliRun c = cli({ QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("f"), QStringLiteral("/tmp/big") });
        QCOMPARE(c.out.size(), big.size());
    }

    void mkdirMoveAndRemove()
    {
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("mkdir"), QStringLiteral("f"), QStringLiteral("/tmp/d/e"), QStringLiteral("-p") }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("mv"), QStringLiteral("f"), QStringLiteral("/tmp/a.txt"), QStringLiteral("/tmp/d/e/b.txt") }).exitCode, 0);
        CliRun rm = cli({ QStringLiteral("files"), QStringLiteral("rm"), QStringLiteral("f"), QStringLiteral("/tmp/d") });
        QVERIFY(rm.exitCode != 0); // not empty without -r
        QVERIFY2(rm.err.contains("cannot remove /tmp/d"), rm.err.constData());
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("rm"), QStringLiteral("f"), QStringLiteral("/tmp/d"), QStringLiteral("-r") }).exitCode, 0);
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("exists"), QStringLiteral("f"), QStringLiteral("/tmp/d") }).exitCode, 1);
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("exists"), QStringLiteral("f"), QStringLiteral("/tmp") }).exitCode, 0);
        CliRun noSandbox = cli({ QStringLiteral("files"), QStringLiteral("exists"), QStringLiteral("nope"), QStringLiteral("/tmp") });
        QVERIFY(noSandbox.exitCode == 1 && noSandbox.err.contains("no sandbox"));
        CliRun gone = cli({ QStringLiteral("files"), QStringLiteral("stat"), QStringLiteral("f"), QStringLiteral("/tmp/d") });
        QVERIFY(gone.exitCode != 0);
        QVERIFY2(gone.err.contains("No such file or directory"), gone.err.constData());
    }

    void copyBothWays()
    {
        const QString hostIn = m_tmp.filePath(QStringLiteral("in.bin"));
        QByteArray data(300000, '\0');
        for (int i = 0; i < data.size(); ++i)
            data[i] = char(i * 7);
        QFile f(hostIn);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(data);
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QCOMPARE(cli({ QStringLiteral("cp"), hostIn, QStringLiteral("f:/tmp/") }).exitCode, 0);
        CliRun st = cli({ QStringLiteral("files"), QStringLiteral("stat"), QStringLiteral("f"), QStringLiteral("/tmp/in.bin") });
        QVERIFY2(st.out.startsWith("- 0700       300000 "), st.out.constData());
        const QString hostOut = m_tmp.filePath(QStringLiteral("out.bin"));
        QCOMPARE(cli({ QStringLiteral("cp"), QStringLiteral("f:/tmp/in.bin"), hostOut }).exitCode, 0);
        QFile back(hostOut);
        QVERIFY(back.open(QIODevice::ReadOnly));
        QVERIFY(back.readAll() == data);
    }

    void copyStreamsLargeFiles()
    {
        // Larger than any request body the API holds in memory (8 MiB).
        const QString hostIn = m_tmp.filePath(QStringLiteral("large.bin"));
        QFile f(hostIn);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray block(1 << 20, '\0');
        for (int i = 0; i < 40; ++i) {
            block.fill(char('a' + i % 26));
            f.write(block);
        }
        f.close();
        CliRun r = cli({ QStringLiteral("cp"), hostIn, QStringLiteral("f:/tmp/large.bin") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        CliRun sum = cli({ QStringLiteral("exec"), QStringLiteral("f"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                           QStringLiteral("md5sum < /tmp/large.bin | cut -c1-32") });
        QProcess host;
        host.start(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("md5sum < '%1' | cut -c1-32").arg(hostIn) });
        QVERIFY(host.waitForFinished());
        QCOMPARE(sum.out, host.readAllStandardOutput());
    }

    void anUploadCutShortLeavesTheFileAsItWas()
    {
        QCOMPARE(writeFromStdin({ QStringLiteral("files"), QStringLiteral("write"), QStringLiteral("f"), QStringLiteral("/tmp/kept") }, "original").exitCode, 0);
        QLocalSocket raw;
        raw.connectToServer(paddock::DataPaths::resolve(m_dataDir).apiSocket());
        QVERIFY(raw.waitForConnected(kWaitMs));
        raw.write("PUT /v1/sandboxes/f/files/content?path=/tmp/kept HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
        raw.write(QByteArray(100000, 'x'));
        QVERIFY(raw.waitForBytesWritten(kWaitMs));
        QTest::qWait(100);
        raw.abort(); // gone, 900 kB short
        QVERIFY(QTest::qWaitFor([&] {
            return cli({ QStringLiteral("exec"), QStringLiteral("f"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                         QStringLiteral("ls -A /tmp | grep -c paddock") }).out == "0\n";
        }, 5000));
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("f"), QStringLiteral("/tmp/kept") }).out, QByteArray("original"));
    }

    void copyOfAMissingFileLeavesNothingOnTheHost()
    {
        const QString hostOut = m_tmp.filePath(QStringLiteral("never"));
        CliRun r = cli({ QStringLiteral("cp"), QStringLiteral("f:/nope"), hostOut });
        QVERIFY(r.exitCode != 0);
        QVERIFY(!QFile::exists(hostOut));
        QVERIFY(cli({ QStringLiteral("cp"), QStringLiteral("a"), QStringLiteral("b") }).exitCode != 0); // neither is in a sandbox
    }

    void watchPrintsOneLinePerChange()
    {
        QCOMPARE(cli({ QStringLiteral("files"), QStringLiteral("mkdir"), QStringLiteral("f"), QStringLiteral("/tmp/cw") }).exitCode, 0);
        QProcess watch;
        watch.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("watch"), QStringLiteral("f"),
                                   QStringLiteral("/tmp/cw"), QStringLiteral("--json"), QStringLiteral("--exclude"), QStringLiteral("*.tmp") });
        QVERIFY(watch.waitForReadyRead(kWaitMs));
        QVERIFY(watch.readLine().contains("\"ready\""));
        cli({ QStringLiteral("exec"), QStringLiteral("f"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
              QStringLiteral("touch /tmp/cw/skip.tmp && echo x > /tmp/cw/new") });
        QByteArray out;
        QVERIFY(QTest::qWaitFor([&] { out += watch.readAll(); return out.contains("modified"); }, kWaitMs));
        watch.kill();
        watch.waitForFinished();
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QJsonObject created = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(created.value(QStringLiteral("type")).toString(), QStringLiteral("created"));
        QCOMPARE(created.value(QStringLiteral("path")).toString(), QStringLiteral("/tmp/cw/new"));
        QVERIFY(created.value(QStringLiteral("version")).toString().toULongLong() > 0);
    }

    void escapesAreRefusedWithAClearError()
    {
        CliRun r = cli({ QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("f"), QStringLiteral("/proc/1/root/etc/shadow") });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.startsWith("paddock: sandbox 'f': cannot read /proc/1/root/etc/shadow"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TstCliFiles)
#include "tst_cli_files.moc"
