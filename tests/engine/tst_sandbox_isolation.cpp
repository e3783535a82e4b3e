// What a workload can see of the host: nothing but the sandbox. Each test
// runs real commands in a real sandbox and checks from both sides.
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>
#include <QUuid>

#include <unistd.h>

using namespace paddock;
using namespace paddock::test;

class TstSandboxIsolation : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    ExecOutput sh(const QString &script) { return execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("sh"), QStringLiteral("-c"), script }); }

    static QString marker() { return QStringLiteral("paddock-marker-") + QUuid::createUuid().toString(QUuid::Id128); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("iso"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void pid1IsPaddockInit()
    {
        ExecOutput r = sh(QStringLiteral("cat /proc/1/comm; echo $$"));
        QCOMPARE(r.out.split('\n').value(0), QByteArray("paddock-init"));
    }

    void psShowsOnlyTheSandboxesProcesses()
    {
        // paddock-init and ps itself — nothing of the host.
        ExecOutput r = execIn(*m_fx.engine, m_fx.sandbox.id,
                              { QStringLiteral("ps"), QStringLiteral("-e"), QStringLiteral("-o"), QStringLiteral("pid=,comm=") });
        QCOMPARE(r.shellStatus(), 0);
        QStringList rows = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.value(0).simplified(), QStringLiteral("1 paddock-init"));
        QVERIFY(rows.value(1).endsWith(QLatin1String(" ps")));
        ExecOutput hostPid = sh(QStringLiteral("test -e /proc/%1").arg(::getpid()));
        QVERIFY(::getpid() > 3);
        QCOMPARE(hostPid.shellStatus(), 1);
    }

    void hostHomeRootTmpAndDataDirAreInvisible()
    {
        const QString name = marker();
        const QString inHome = QDir::homePath() + QLatin1Char('/') + name;
        const QString inTmp = QStringLiteral("/tmp/") + name;
        for (const QString &path : { inHome, inTmp }) {
            QFile f(path);
            QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path));
        }
        ExecOutput r = sh(QStringLiteral("test -e '%1' || test -e '%2' || test -e '%3' || find /root /home /tmp -mindepth 1 | grep -c .")
                              .arg(inHome, inTmp, m_fx.data->path()));
        QFile::remove(inHome);
        QFile::remove(inTmp);
        QCOMPARE(r.out.trimmed(), QByteArray("0"));
    }

    void hostRunAndVarAreNotShared()
    {
        ExecOutput r = sh(QStringLiteral("find /run /var/lib /var/log -mindepth 1 | grep -c ."));
        // /run is a fresh tmpfs; /var comes from the base image, empty.
        QCOMPARE(r.out.trimmed(), QByteArray("0"));
    }

    void hostnameIsTheSandboxName()
    {
        QCOMPARE(sh(QStringLiteral("hostname")).out, QByteArray("iso\n"));
    }

    void workloadIsRootInsideMappedToTheUserOutside()
    {
        ExecOutput r = sh(QStringLiteral("id -u; id -g; echo x > /root/owned"));
        QCOMPARE(r.out, QByteArray("0\n0\n"));
        // What root inside writes belongs to the invoking user outside.
        QFileInfo onHost(m_fx.sandbox.dataDir + QStringLiteral("/upper/root/root/owned"));
        QVERIFY(onHost.exists());
        QCOMPARE(onHost.ownerId(), ::getuid());
        QCOMPARE(onHost.groupId(), ::getgid());
    }

    void writingUsrLocalStaysInTheSandbox()
    {
        const QString name = marker();
        ExecOutput r = sh(QStringLiteral("echo inside > /usr/local/%1 && cat /usr/local/%1 && mkdir -p /usr/lib/%1 && touch /usr/lib/%1/f").arg(name));
        QCOMPARE(r.out, QByteArray("inside\n"));
        QCOMPARE(r.shellStatus(), 0);
        QVERIFY(!QFile::exists(QStringLiteral("/usr/local/") + name));
        QVERIFY(!QFile::exists(QStringLiteral("/usr/lib/") + name));
        QVERIFY(QFile::exists(m_fx.sandbox.dataDir + QStringLiteral("/upper/usr/local/") + name));
    }

    void everyDirectoryIsWritableByTheWorkload()
    {
        ExecOutput r = sh(QStringLiteral("for d in / /etc /usr/bin /usr/share /var /opt /root /tmp; do touch $d/.w && rm $d/.w || echo $d; done"));
        QCOMPARE(r.out, QByteArray());
        QCOMPARE(r.shellStatus(), 0);
    }

    void hostToolsWorkInside()
    {
        ExecOutput r = sh(QStringLiteral("command -v sh && command -v python3 >/dev/null && python3 -c 'print(6*7)'"));
        QVERIFY2(r.out.endsWith("42\n"), r.out + r.err);
    }

    void onlyLoopbackNetworkExists()
    {
        ExecOutput r = sh(QStringLiteral("ls /sys/class/net 2>/dev/null; cat /proc/net/dev | tail -n +3 | cut -d: -f1"));
        QCOMPARE(QString::fromUtf8(r.out).simplified(), QStringLiteral("lo"));
    }

    void devicesAreTheMinimalSet()
    {
        ExecOutput r = sh(QStringLiteral("cd /dev && for f in *; do [ -c $f ] && [ ! -L $f ] && echo $f; done | sort | tr '\\n' ' '; "
                                         "readlink /dev/ptmx; find /dev/pts -mindepth 1 -not -name ptmx | grep -c ."));
        QCOMPARE(QString::fromUtf8(r.out).simplified(), QStringLiteral("full null random tty urandom zero pts/ptmx 0"));
    }
};

QTEST_GUILESS_MAIN(TstSandboxIsolation)
#include "tst_sandbox_isolation.moc"
