// Attacks on the person at the terminal, through the CLI: names a sandbox
// chooses (files, processes) that carry escape sequences, newlines or
// direction overrides; files whose size is meant to fill the user's disk;
// and another local user who plants the directory Paddock's sockets go in.
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

using namespace paddock::test;

namespace {

// Creates, in /tmp/names of the sandbox, one file per hostile name.
constexpr const char *kMakeNames = R"(
import os
os.makedirs('/tmp/names', exist_ok=True)
for n in [b'\x1b]0;pwned\x07title', b'line\n99 created passwd', '\u202egpj.exe'.encode(),
          b'c1\xc2\x9b31mred', b'del\x7f', b'tab\there', b'back\\slash']:
    open(b'/tmp/names/' + n, 'w').close()
)";

// Everything a terminal would act on instead of show: C0 controls (but the
// newline that ends each line), DEL, C1 controls, and the bidi and
// invisible format characters, as UTF-8.
QString firstActiveCharacter(const QByteArray &out)
{
    const QString text = QString::fromUtf8(out);
    for (QChar c : text) {
        if (c == u'\n')
            continue;
        const auto cat = c.category();
        if (cat == QChar::Other_Control || cat == QChar::Other_Format || cat == QChar::Separator_Line
            || cat == QChar::Separator_Paragraph)
            return QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
    }
    return {};
}

} // namespace

class TstHostileCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dataDir;

    CliRun cli(const QStringList &args, int timeoutMs = kWaitMs) { return runCli(m_dataDir, args, timeoutMs); }
    CliRun exec(const QStringList &argv)
    {
        return cli(QStringList { QStringLiteral("exec"), QStringLiteral("out"), QStringLiteral("--") } + argv);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dataDir = m_tmp.path() + QStringLiteral("/data");
        CliRun r = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("out") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        CliRun names = exec({ QStringLiteral("python3"), QStringLiteral("-c"), QString::fromLatin1(kMakeNames) });
        QVERIFY2(names.exitCode == 0, names.err.constData());
    }

    void cleanupTestCase() { shutDownCliEngine(m_dataDir); }

    void fileNamesAreEscapedInListings()
    {
        CliRun ls = cli({ QStringLiteral("files"), QStringLiteral("ls"), QStringLiteral("out"), QStringLiteral("/tmp/names") });
        QCOMPARE(ls.exitCode, 0);
        QVERIFY2(firstActiveCharacter(ls.out).isEmpty(), qPrintable(firstActiveCharacter(ls.out) + u' ' + QString::fromUtf8(ls.out)));
        QCOMPARE(ls.out.count('\n'), 7); // one line per file: no name adds one
        QVERIFY2(ls.out.contains("\\x1b]0;pwned\\x07title"), ls.out.constData());
        QVERIFY2(ls.out.contains("line\\n99 created passwd"), ls.out.constData());
        QVERIFY2(ls.out.contains("\\u{202e}gpj.exe"), ls.out.constData());
        QVERIFY2(ls.out.contains("c1\\x9b31mred") && ls.out.contains("del\\x7f") && ls.out.contains("tab\\there"), ls.out.constData());
        QVERIFY2(ls.out.contains("back\\\\slash"), ls.out.constData()); // an escape cannot be faked
        // JSON is for programs, and its encoder escapes what it must.
        CliRun json = cli({ QStringLiteral("files"), QStringLiteral("ls"), QStringLiteral("out"), QStringLiteral("/tmp/names"),
                            QStringLiteral("--json") });
        QVERIFY(!json.out.contains('\x1b'));
        QVERIFY(json.out.contains("\\u001b]0;pwned"));
    }

    void aNewlineInANameCannotForgeAWatchLine()
    {
        QCOMPARE(exec({ QStringLiteral("mkdir"), QStringLiteral("-p"), QStringLiteral("/tmp/w") }).exitCode, 0);
        QProcess watch;
        watch.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("watch"), QStringLiteral("out"),
                                   QStringLiteral("/tmp/w") });
        QByteArray seen;
        auto waitFor = [&](const char *text) {
            return QTest::qWaitFor([&] {
                watch.waitForReadyRead(50);
                seen += watch.readAllStandardOutput();
                return seen.contains(text);
            }, kWaitMs);
        };
        QVERIFY(waitFor("watching"));
        exec({ QStringLiteral("python3"), QStringLiteral("-c"),
               QStringLiteral("open('/tmp/w/x\\ncreated shadow\\x1b[2J', 'w').close(); open('/tmp/w/done', 'w').close()") });
        QVERIFY2(waitFor("/tmp/w/done"), seen.constData());
        watch.kill();
        watch.waitForFinished();
        QVERIFY2(firstActiveCharacter(seen).isEmpty(), seen.constData());
        for (const QByteArray &line : seen.split('\n'))
            QVERIFY2(!line.startsWith("created shadow"), seen.constData());
        QVERIFY2(seen.contains("x\\ncreated shadow\\x1b[2J"), seen.constData());
    }

    void processNamesAreEscapedInTheEgressLog()
    {
        // The log names the process that tried: the sandbox picks its name.
        exec({ QStringLiteral("python3"), QStringLiteral("-c"),
               QStringLiteral("import ctypes, socket\n"
                              "ctypes.CDLL(None).prctl(15, b'\\x1b[31mev\\nil', 0, 0, 0)\n"
                              "try:\n    socket.create_connection(('denied.test', 80), timeout=5).recv(1)\n"
                              "except OSError:\n    pass") });
        CliRun log;
        QVERIFY(QTest::qWaitFor([&] {
            log = cli({ QStringLiteral("egress"), QStringLiteral("log"), QStringLiteral("out") });
            return log.out.contains("denied.test");
        }, kWaitMs));
        QVERIFY2(firstActiveCharacter(log.out).isEmpty(), log.out.constData());
        QVERIFY2(log.out.contains("\\x1b[31mev\\nil"), log.out.constData());
    }

    void errorsQuoteNamesEscaped()
    {
        CliRun r = cli({ QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("out"), QStringLiteral("/tmp/\x1b[2Jgone") });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(firstActiveCharacter(r.err).isEmpty() && r.err.contains("\\x1b[2Jgone"), r.err.constData());
    }

    // A sandbox chooses a file's size; 1 TiB of holes costs it nothing.
    void aCopyThatCannotFitIsRefusedAndLeavesTheTargetAlone()
    {
        QCOMPARE(exec({ QStringLiteral("truncate"), QStringLiteral("-s"), QStringLiteral("1T"), QStringLiteral("/root/huge") }).exitCode, 0);
        struct statvfs fs;
        QVERIFY(::statvfs(qPrintable(m_tmp.path()), &fs) == 0);
        if (qint64(fs.f_bavail) * qint64(fs.f_frsize) > (qint64(1) << 40))
            QSKIP("this disk has more than 1 TiB free");
        const QString target = m_tmp.filePath(QStringLiteral("kept"));
        QFile keep(target);
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("the user's file");
        keep.close();
        QElapsedTimer t;
        t.start();
        CliRun r = cli({ QStringLiteral("cp"), QStringLiteral("out:/root/huge"), target });
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("does not fit"), r.err.constData());
        QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(keep.open(QIODevice::ReadOnly));
        QCOMPARE(keep.readAll(), QByteArray("the user's file"));
        QCOMPARE(QDir(m_tmp.path()).entryList(QDir::Files | QDir::Hidden).filter(QStringLiteral("kept")).size(), 1);
    }

    void aFullDiskStopsACopyAtOnce()
    {
        QCOMPARE(exec({ QStringLiteral("truncate"), QStringLiteral("-s"), QStringLiteral("1T"), QStringLiteral("/root/huge") }).exitCode, 0);
        QElapsedTimer t;
        t.start();
        CliRun cp = cli({ QStringLiteral("cp"), QStringLiteral("out:/root/huge"), QStringLiteral("/dev/full") }, 20000);
        QVERIFY2(cp.exitCode == 1 && cp.err.contains("No space left on device"), cp.err.constData());
        // Standard output full: `files cat SB f > /dev/full` stops too.
        QProcess cat;
        cat.setStandardOutputFile(QStringLiteral("/dev/full"));
        cat.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("files"), QStringLiteral("cat"),
                                 QStringLiteral("out"), QStringLiteral("/root/huge") });
        QVERIFY2(cat.waitForFinished(20000), "files cat kept writing to a full disk");
        QCOMPARE(cat.exitCode(), 1);
        QVERIFY(cat.readAllStandardError().contains("cannot write to standard output: No space left on device"));
        QVERIFY2(t.elapsed() < 30000, qPrintable(QString::number(t.elapsed())));
    }

    // With XDG_RUNTIME_DIR unset, sockets went to /tmp/paddock-<uid>, which
    // any local user can make first, and Paddock then refused to run. In a
    // mount namespace of its own (a tmpfs over /tmp, so nothing real is
    // touched) the test plants that name as a symlink, or as a directory of
    // another user's (chowned as root; as an ordinary user, a root-owned
    // directory seen from a user namespace, where root is nobody).
    void aPlantedSocketDirectoryIsPassedOver_data()
    {
        QTest::addColumn<QString>("plant");
        QTest::newRow("symlink") << QStringLiteral("ln -s /var/tmp \"$planted\"");
        QTest::newRow("another user's directory")
            << QStringLiteral("mkdir -m 777 \"$planted\" && { chown 65534:65534 \"$planted\" 2>/dev/null || mount --bind /var/tmp \"$planted\"; }");
    }
    void aPlantedSocketDirectoryIsPassedOver()
    {
        QFETCH(QString, plant);
        QTemporaryDir home(QDir::homePath() + QStringLiteral("/paddock-test-XXXXXX")); // outside /tmp, which gets hidden
        QVERIFY(home.isValid());
        const QString script = QStringLiteral(
            "set -e\n"
            "bin=$(dirname \"$PADDOCK\")\n"
            "case \"$bin\" in /tmp/*) mkdir -p \"$HOLD\"; mount --rbind /tmp \"$HOLD\";; esac\n"
            "mount -t tmpfs tmpfs /tmp\n"
            "# A checkout under /tmp (a CI clone): its binaries are shown again where they were.\n"
            "case \"$bin\" in /tmp/*) mkdir -p \"$bin\"; mount --rbind \"$HOLD${bin#/tmp}\" \"$bin\";; esac\n"
            "planted=/tmp/paddock-$(id -u)\n"
            "%1\n"
            "stat -c 'planted: %N owned by %u' \"$planted\" >&2\n"
            "p() { \"$PADDOCK\" --data-dir \"$DATA\" \"$@\"; }\n"
            "p create --name r\n"
            "p exec r -- true\n"
            "! ls /var/tmp/*/api.sock 2>/dev/null | grep -q . # nothing went where the plant points\n"
            "p rm --force r\n"
            "kill $(cat \"$DATA/engine.lock\")\n").arg(plant);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        env.remove(QStringLiteral("TMPDIR"));
        env.insert(QStringLiteral("PADDOCK"), cliBinary());
        env.insert(QStringLiteral("DATA"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("HOLD"), home.filePath(QStringLiteral("real-tmp")));
        QProcess p;
        p.setProcessEnvironment(env);
        // Root gets a mount namespace; anyone else a user namespace too.
        QStringList unshare = ::geteuid() == 0 ? QStringList { QStringLiteral("-m") } : QStringList { QStringLiteral("-Urm") };
        p.start(QStringLiteral("unshare"), unshare << QStringLiteral("--propagation") << QStringLiteral("private")
                                                   << QStringLiteral("sh") << QStringLiteral("-c") << script);
        QVERIFY(p.waitForFinished(kWaitMs * 2));
        const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("planted: "), out.constData());
    }

};

QTEST_GUILESS_MAIN(TstHostileCli)
#include "tst_hostile_cli.moc"
