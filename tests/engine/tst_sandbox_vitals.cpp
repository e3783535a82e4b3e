// A sandbox at a glance: the socket-table parser keeps only well-formed
// LISTEN lines whatever it is fed and bounds what it keeps; the disk walk
// counts like du, never follows a symlink out, and stops at its bounds;
// Engine::sandboxVitals shows a real server's port, a real write's size
// and a real denial.
#include "test_support.h"

#include "sandbox/disk_usage.h"
#include "sandbox/listening_ports.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace paddock;
using namespace paddock::sandbox;
using namespace paddock::test;

namespace {

// The header and lines as the kernel prints them (proc(5)).
const QByteArray kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1001 1 0 100 0 0 10 0\n"
    "   1: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1002 1 0 100 0 0 10 0\n"
    "   2: 0100007F:3A99 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1003 1 0 100 0 0 10 0\n"
    "   3: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 1004 1 0 20 4 30 10 -1\n";
const QByteArray kTcp6 =
    "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2001 1 0 100 0 0 10 0\n"
    "   1: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2002 1 0 100 0 0 10 0\n"
    "   2: 0000000000000000FFFF00000100007F:2328 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2003 1 0 100 0 0 10 0\n";

QStringList described(const ListeningPorts &p)
{
    QStringList out;
    for (const ListeningPort &l : p.ports)
        out << QStringLiteral("%1 %2").arg(l.port).arg(l.address);
    return out;
}

void writeFile(const QString &path, qint64 bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    const QByteArray block(64 * 1024, 'x');
    for (qint64 done = 0; done < bytes; done += block.size())
        QCOMPARE(f.write(block.constData(), std::min<qint64>(block.size(), bytes - done)), std::min<qint64>(block.size(), bytes - done));
}

} // namespace

class TstSandboxVitals : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    SandboxVitals vitals()
    {
        auto v = await<SandboxVitals>([this](Callback<SandboxVitals> done) { m_fx.engine->sandboxVitals(m_fx.sandbox.id, done); });
        if (!v)
            qWarning("vitals: %s", qPrintable(v.error().message));
        return v ? *v : SandboxVitals {};
    }

private Q_SLOTS:
    void listeningSocketsAreParsed()
    {
        ListeningPorts p;
        parseListeningSockets(kTcp, false, p);
        parseListeningSockets(kTcp6, true, p);
        QCOMPARE(described(p), (QStringList { QStringLiteral("3000 ::"), QStringLiteral("5432 ::1"), QStringLiteral("8000 0.0.0.0"),
                                              QStringLiteral("8080 127.0.0.1"), QStringLiteral("9000 127.0.0.1"),
                                              QStringLiteral("15001 127.0.0.1") }));
        QVERIFY(p.complete);
    }

    // The sandbox picks how many sockets there are, and a corrupt or
    // truncated read must not crash, loop or invent ports.
    void hostileTablesYieldOnlyWellFormedListeners()
    {
        ListeningPorts p;
        QByteArray garbage = "no newline at all " + QByteArray(1024 * 1024, 'A');
        garbage += "\n   0: 0100007F:1F9 00000000:0000 0A\n"; // port of 3 digits
        garbage += "   0: 0100007G:1F90 00000000:0000 0A\n"; // not hex
        garbage += "   0: 100007F:1F90 00000000:0000 0A\n"; // address of 7 digits
        garbage += "   0: 0100007F1F90 00000000:0000 0A\n"; // no colon
        garbage += "   0: 0100007F:1F90 00000000:0000 0A0\n"; // state of 3 digits
        garbage += "   0: 0100007F:1F90\n"; // truncated
        garbage += "   0: 0100007F:1F90 00000000:0000 0"; // cut mid-field, no newline
        garbage += QByteArray("\0\0\0\n", 4);
        garbage += "\t\t  \n\n\n";
        parseListeningSockets(garbage, false, p);
        parseListeningSockets(garbage, true, p);
        QVERIFY2(p.ports.isEmpty(), qPrintable(described(p).join(u',')));

        // Ten thousand listeners, each twice (SO_REUSEPORT): kept once, up to the bound.
        QByteArray many;
        for (int i = 0; i < 10000; ++i)
            for (int twice = 0; twice < 2; ++twice)
                many += QStringLiteral("   %1: 00000000:%2 00000000:0000 0A 0:0 0:0 0 0 0 %1\n").arg(i).arg(1000 + i, 4, 16, QLatin1Char('0')).toUpper().toLatin1();
        ListeningPorts bounded;
        parseListeningSockets(many, false, bounded);
        QCOMPARE(bounded.ports.size(), qsizetype(kMaxListeningPorts));
        QVERIFY(!bounded.complete);
        QCOMPARE(bounded.ports.first().port, quint16(1000));
    }

    // This process's own table: a server listening here is found, one
    // closed is gone.
    void aRealListenerIsRead()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const ListeningPorts p = readListeningPorts(QCoreApplication::applicationPid());
        QVERIFY(p.known);
        QVERIFY2(described(p).contains(QStringLiteral("%1 127.0.0.1").arg(server.serverPort())), qPrintable(described(p).join(u',')));
        const quint16 port = server.serverPort();
        server.close();
        QVERIFY(!described(readListeningPorts(QCoreApplication::applicationPid())).contains(QStringLiteral("%1 127.0.0.1").arg(port)));
        QVERIFY(!readListeningPorts(0).known);
    }

    void diskUsageCountsLikeDu()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("big")), 10 * 1024 * 1024);
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("a/b/c")));
        writeFile(dir.filePath(QStringLiteral("a/b/c/small")), 100 * 1024);
        // A hard link is the same blocks; a symlink out is not followed.
        QCOMPARE(::link(QFile::encodeName(dir.filePath(QStringLiteral("big"))).constData(),
                        QFile::encodeName(dir.filePath(QStringLiteral("a/hardlink"))).constData()), 0);
        QVERIFY(QFile::link(QStringLiteral("/usr"), dir.filePath(QStringLiteral("a/usr"))));
        const DiskUsage u = measureDiskUsage(dir.path(), DiskWalkLimits {});
        QVERIFY(u.known && u.complete);
        QCOMPARE(u.entries, qint64(7)); // big, a, a/b, a/b/c, small, hardlink, usr
        QVERIFY2(u.bytes >= 10 * 1024 * 1024 + 100 * 1024 && u.bytes < 11 * 1024 * 1024, qPrintable(QString::number(u.bytes)));
        QVERIFY(!measureDiskUsage(dir.filePath(QStringLiteral("missing")), DiskWalkLimits {}).known);
        QVERIFY(!measureDiskUsage(dir.filePath(QStringLiteral("a/usr")), DiskWalkLimits {}).known); // the root itself a symlink
    }

    // A sandbox that writes a million files gets "more than", at the bound,
    // and a walk can be cut short.
    void diskUsageStopsAtItsBounds()
    {
        QTemporaryDir dir;
        for (int d = 0; d < 10; ++d) {
            QVERIFY(QDir(dir.path()).mkpath(QString::number(d)));
            for (int f = 0; f < 300; ++f) {
                QFile file(dir.filePath(QStringLiteral("%1/%2").arg(d).arg(f)));
                QVERIFY(file.open(QIODevice::WriteOnly));
            }
        }
        const DiskUsage all = measureDiskUsage(dir.path(), DiskWalkLimits {});
        QCOMPARE(all.entries, qint64(3010));
        QVERIFY(all.complete);
        const DiskUsage bounded = measureDiskUsage(dir.path(), DiskWalkLimits { 1000, 5000 });
        QCOMPARE(bounded.entries, qint64(1000));
        QVERIFY(!bounded.complete);
        const std::atomic_bool cancelled { true };
        const DiskUsage cut = measureDiskUsage(dir.path(), DiskWalkLimits {}, &cancelled);
        QVERIFY(!cut.complete);
        QVERIFY(cut.entries < 3010);
        const DiskUsage timed = measureDiskUsage(dir.path(), DiskWalkLimits { 1'000'000, 0 });
        QVERIFY(!timed.complete);
    }

    // Through the engine, on a real sandbox.
    void vitalsOfARealSandbox()
    {
        QString failed = m_fx.setUp(QStringLiteral("vitals"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        SandboxVitals v = vitals();
        QCOMPARE(v.sandbox.id, m_fx.sandbox.id);
        QCOMPARE(v.runningProcesses, 0);
        QVERIFY(v.listening.known);
        QVERIFY2(v.listening.ports.isEmpty(), "Paddock's own interception listener is not the sandbox's");
        QVERIFY(v.disk.known);

        auto spawned = await<ProcessInfo>([this](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id, CommandSpec { { QStringLiteral("python3"), QStringLiteral("-m"), QStringLiteral("http.server"),
                                                                QStringLiteral("8765") } },
                               QStringLiteral("web"), done);
        });
        QVERIFY2(spawned, qPrintable(spawned ? QString() : spawned.error().message));
        QVERIFY(execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("dd"), QStringLiteral("if=/dev/zero"), QStringLiteral("of=/root/blob"),
                                                        QStringLiteral("bs=1M"), QStringLiteral("count=10") }).shellStatus() == 0);
        execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"), QStringLiteral("5"),
                                                QStringLiteral("http://denied.test/") });
        QVERIFY(QTest::qWaitFor([&] {
            v = vitals();
            return v.listening.ports.size() == 1 && v.disk.bytes >= 10 * 1024 * 1024 && v.egress.denied >= 1;
        }, kWaitMs));
        QCOMPARE(v.runningProcesses, 1);
        QCOMPARE(v.listening.ports.first().port, quint16(8765));
        QVERIFY(v.egress.since.isValid());
        m_fx.tearDown();
    }
};

QTEST_GUILESS_MAIN(TstSandboxVitals)
#include "tst_sandbox_vitals.moc"
