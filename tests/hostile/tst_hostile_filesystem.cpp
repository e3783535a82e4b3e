// Filesystem escapes from inside a sandbox: every path, however it is
// spelled, stays inside, and nothing of PID 1 or the host leaks in.
#include "hostile_probe.h"

#include <QFile>
#include <QTest>
#include <QUuid>

using namespace paddock;
using namespace paddock::test;

class TstHostileFilesystem : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("fs"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void workloadInheritsNoDescriptorsFromInit()
    {
        // Only stdio, plus the one listdir opens itself.
        ExecOutput r = pythonAttack(m_fx, QStringLiteral("import os; print(sorted(os.listdir('/proc/self/fd'), key=int))"));
        QCOMPARE(r.out.trimmed(), QByteArray("['0', '1', '2', '3']"));
    }

    void procSelfRootIsTheSandboxesRoot()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("ls -a /proc/self/root/ | tr '\\n' ' '; echo; ls -a / | tr '\\n' ' '"));
        QList<QByteArray> lines = r.out.split('\n');
        QCOMPARE(lines.value(0), lines.value(1));
        QVERIFY(!r.out.contains("paddock.db"));
    }

    void dotDotAndSymlinksStayInside()
    {
        const QString marker = QStringLiteral("/tmp/paddock-host-") + QUuid::createUuid().toString(QUuid::Id128);
        QFile f(marker);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        ExecOutput r = attack(m_fx, QStringLiteral("ln -s / /tmp/up; ln -s ../../../../.. /tmp/dots; "
                                                   "test -e /tmp/up%1 || test -e /tmp/dots%1 || test -e /../../..%1 || echo none")
                                        .arg(marker));
        QFile::remove(marker);
        QCOMPARE(r.out, QByteArray("none\n"));
    }

    void runningExecutablesCannotBeOverwritten()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("echo x > /proc/self/exe; echo rc=$?; sh -c 'echo x > /proc/1/exe'; echo rc=$?"));
        QVERIFY2(!r.out.contains("rc=0"), r.out.constData());
        QCOMPARE(attack(m_fx, QStringLiteral("echo ok")).out, QByteArray("ok\n")); // sh still works
    }

    void hostHomeAndOtherUsersAreNotVisible()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("find /home /root -mindepth 1 | grep -c .; cat /etc/shadow 2>&1 | head -1"));
        QVERIFY2(r.out.startsWith("0\n"), r.out.constData());
        QVERIFY(r.out.contains("No such file")); // /etc/shadow is not part of the base image
    }
};

QTEST_GUILESS_MAIN(TstHostileFilesystem)
#include "tst_hostile_filesystem.moc"
