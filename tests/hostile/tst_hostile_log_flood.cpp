// A background process floods its log to fill the user's disk. paddock-init
// drains its output into parts it rotates, under a cap for the whole
// sandbox; `paddock logs` still shows the newest output, `logs --follow`
// follows across rotations, and both say where output was dropped.
#include "test_support.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>

using namespace paddock::test;

namespace {

// As paddock-init sizes them (init/process_logs.h).
constexpr qint64 kPartBytes = 16ll << 20;
constexpr qint64 kSandboxBytes = 256ll << 20;
constexpr qint64 kLines = 40000000; // `seq 1 kLines`: 349 MB of output

// Checks that what `in` holds is the lines of seq, in order, where only a
// "[paddock: N bytes of output dropped here…]" line may stand for a gap —
// and the lines on either side of it may be cut. Returns what is wrong.
QString checkSequence(QIODevice &in, qint64 &last, int &notices)
{
    last = -1;
    notices = 0;
    int sinceGap = -1; // complete lines since the last notice; -1 before any
    auto accept = [&](const QByteArray &line) -> QString {
        if (sinceGap == 0) { // may be the tail of a line cut by the gap
            sinceGap = 1;
            return {};
        }
        bool ok = false;
        const qint64 n = line.toLongLong(&ok);
        if (!ok)
            return QStringLiteral("not a number: '%1' after %2").arg(QString::fromUtf8(line.left(60))).arg(last);
        const bool jump = sinceGap == 1;
        if (last >= 0 && (jump ? n <= last : n != last + 1))
            return QStringLiteral("%1 follows %2 with no notice of dropped output").arg(n).arg(last);
        last = n;
        if (jump)
            sinceGap = 2;
        return {};
    };
    QByteArray held; // the previous line: cut, if a notice follows it
    bool holding = false;
    while (!in.atEnd()) {
        QByteArray line = in.readLine();
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.startsWith("[paddock: ")) {
            if (!line.contains(" bytes of output dropped here"))
                return QStringLiteral("unexpected notice: ") + QString::fromUtf8(line);
            ++notices;
            holding = false;
            sinceGap = 0;
            continue;
        }
        if (holding)
            if (QString wrong = accept(held); !wrong.isEmpty())
                return wrong;
        held = line;
        holding = true;
    }
    return holding ? accept(held) : QString();
}

} // namespace

class TstHostileLogFlood : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_dataDir;
    QString m_sandboxId;

    CliRun cli(const QStringList &args, int timeoutMs = kWaitMs) { return runCli(m_dataDir, args, timeoutMs); }

    QString logsDir() const { return m_dataDir + QStringLiteral("/sandboxes/") + m_sandboxId + QStringLiteral("/logs"); }

    // Bytes of the sandbox's logs on disk, in all and for `proc` alone.
    qint64 onDisk(const QString &proc = {}) const
    {
        qint64 total = 0;
        for (const QFileInfo &f : QDir(logsDir()).entryInfoList(QDir::Files))
            if (proc.isEmpty() || f.fileName().startsWith(proc + QStringLiteral(".log")))
                total += f.size();
        return total;
    }

    QString spawn(const QString &script)
    {
        CliRun r = cli({ QStringLiteral("spawn"), QStringLiteral("flood"), QStringLiteral("--"), QStringLiteral("sh"),
                         QStringLiteral("-c"), script });
        return r.exitCode == 0 ? QString::fromUtf8(r.out.trimmed()) : QString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!cliBinary().isEmpty());
        m_dataDir = m_tmp.path() + QStringLiteral("/data");
        CliRun r = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("flood"), QStringLiteral("--json") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_sandboxId = QJsonDocument::fromJson(r.out).object().value(QStringLiteral("id")).toString();
        QVERIFY(!m_sandboxId.isEmpty());
    }

    void cleanupTestCase() { shutDownCliEngine(m_dataDir); }

    void floodedLogIsRotatedAndStillShowsItsNewestOutput()
    {
        const QString id = spawn(QStringLiteral("seq 1 %1").arg(kLines));
        QVERIFY(!id.isEmpty());
        QProcess follow;
        const QString followed = m_tmp.filePath(QStringLiteral("followed.txt"));
        follow.setStandardOutputFile(followed);
        follow.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("logs"), QStringLiteral("flood"), id,
                                    QStringLiteral("--follow") });
        QVERIFY(follow.waitForStarted());
        qint64 most = 0;
        const bool ended = QTest::qWaitFor([&] {
            most = std::max(most, onDisk(id));
            return follow.state() == QProcess::NotRunning;
        }, 280000);
        QVERIFY2(ended, "logs --follow did not end with the process");
        QCOMPARE(follow.exitCode(), 0);
        qInfo("at most %lld bytes of the log on disk; the follower got %lld bytes", most, QFileInfo(followed).size());
        QVERIFY2(most <= 2 * kPartBytes, qPrintable(QString::number(most)));
        QVERIFY(onDisk(id) <= 2 * kPartBytes);

        // The follower went in order to the very end, saying where it fell
        // behind by more than a part and lost output.
        QFile f(followed);
        QVERIFY(f.open(QIODevice::ReadOnly));
        qint64 last;
        int notices;
        QString wrong = checkSequence(f, last, notices);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        QCOMPARE(last, kLines);

        // Read afterwards: the newest two parts, after a notice of what went before.
        CliRun logs = cli({ QStringLiteral("logs"), QStringLiteral("flood"), id });
        QCOMPARE(logs.exitCode, 0);
        QVERIFY2(logs.out.startsWith("[paddock: "), logs.out.left(80).constData());
        QBuffer buffer(&logs.out);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        wrong = checkSequence(buffer, last, notices);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        QCOMPARE(notices, 1);
        QCOMPARE(last, kLines);
        QVERIFY(logs.out.size() <= 2 * kPartBytes + 200);
    }

    void followingCrossesRotationsWithoutLosingAByte()
    {
        // Eight batches of a million lines (~8 MB each, four rotations in
        // all); the process writes the next only once the follower has the
        // last one, so a follower that keeps up must get every byte.
        constexpr int kBatches = 8;
        const QString id = spawn(QStringLiteral("mkfifo /tmp/next; for i in $(seq 0 %1); do "
                                                "seq $((i * 1000000 + 1)) $(((i + 1) * 1000000)); read go < /tmp/next; done")
                                     .arg(kBatches - 1));
        QVERIFY(!id.isEmpty());
        QProcess follow;
        const QString followed = m_tmp.filePath(QStringLiteral("batches.txt"));
        follow.setStandardOutputFile(followed);
        follow.start(cliBinary(), { QStringLiteral("--data-dir"), m_dataDir, QStringLiteral("logs"), QStringLiteral("flood"), id,
                                    QStringLiteral("--follow") });
        QVERIFY(follow.waitForStarted());
        for (int i = 1; i <= kBatches; ++i) {
            const QByteArray lastLine = '\n' + QByteArray::number(i * 1000000) + '\n';
            QVERIFY2(QTest::qWaitFor([&] {
                QFile f(followed);
                return f.open(QIODevice::ReadOnly) && f.size() > 16 && f.seek(f.size() - lastLine.size())
                    && f.read(lastLine.size()) == lastLine;
            }, 120000), qPrintable(QStringLiteral("the follower did not get batch %1").arg(i)));
            CliRun next = cli({ QStringLiteral("exec"), QStringLiteral("flood"), QStringLiteral("--"), QStringLiteral("sh"),
                                QStringLiteral("-c"), QStringLiteral("echo > /tmp/next") });
            QCOMPARE(next.exitCode, 0);
        }
        QVERIFY(QTest::qWaitFor([&] { return follow.state() == QProcess::NotRunning; }, 60000));
        QFile f(followed);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.size() > 3 * kPartBytes, qPrintable(QString::number(f.size())));
        qint64 last;
        int notices;
        const QString wrong = checkSequence(f, last, notices);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong));
        QCOMPARE(notices, 0);
        QCOMPARE(last, qint64(kBatches) * 1000000);
    }

    void everyProcessTogetherStaysUnderTheSandboxsCap()
    {
        QStringList ids;
        for (int i = 0; i < 12; ++i) {
            ids.append(spawn(QStringLiteral("yes %1-0123456789abcdef | head -c 40000000; echo; echo last of %1").arg(i)));
            QVERIFY(!ids.last().isEmpty());
        }
        qint64 most = 0;
        for (const QString &id : ids) {
            CliRun waited;
            QVERIFY(QTest::qWaitFor([&] {
                most = std::max(most, onDisk());
                waited = cli({ QStringLiteral("wait"), QStringLiteral("flood"), id, QStringLiteral("--exit"),
                               QStringLiteral("--timeout"), QStringLiteral("0.05") });
                return waited.exitCode == 0;
            }, 280000));
        }
        qInfo("at most %lld bytes of logs on disk", most);
        QVERIFY2(most <= kSandboxBytes, qPrintable(QString::number(most)));
        QVERIFY(onDisk() <= kSandboxBytes);
        // The newest output of the last process is all there.
        CliRun logs = cli({ QStringLiteral("logs"), QStringLiteral("flood"), ids.last() });
        QVERIFY2(logs.out.endsWith("\nlast of 11\n"), logs.out.right(80).constData());
    }

    void logOfAnOlderPaddockInitIsStillRead()
    {
        const QString id = spawn(QStringLiteral("echo one; echo two"));
        QVERIFY(!id.isEmpty());
        QCOMPARE(cli({ QStringLiteral("wait"), QStringLiteral("flood"), id, QStringLiteral("--exit") }).exitCode, 0);
        // As an older paddock-init left it: one part, no label.
        const QByteArray path = QFile::encodeName(logsDir() + QLatin1Char('/') + id + QStringLiteral(".log"));
        QVERIFY(::removexattr(path.constData(), "user.paddock.log-start") == 0 || errno == ENODATA);
        CliRun logs = cli({ QStringLiteral("logs"), QStringLiteral("flood"), id });
        QCOMPARE(logs.out, QByteArray("one\ntwo\n"));
    }
};

QTEST_GUILESS_MAIN(TstHostileLogFlood)
#include "tst_hostile_log_flood.moc"
