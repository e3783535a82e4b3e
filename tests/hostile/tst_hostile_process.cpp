// Process visibility: the sandbox's pid namespace holds its own processes
// and nothing of the host's, so nothing outside can be seen, signalled or
// opened from inside.
#include "hostile_probe.h"

#include <QCoreApplication>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstHostileProcess : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    // This test's own pid on the host: the process an attacker would want.
    const QString m_hostPid = QString::number(QCoreApplication::applicationPid());

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("process"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void onlyTheSandboxsProcessesAreListed()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("for p in /proc/[0-9]*; do echo ${p#/proc/}; done"));
        const QList<QByteArray> pids = r.out.split('\n');
        // PID 1, this shell, and the shell's glob; never a host pid.
        QVERIFY2(pids.size() <= 5, r.out.constData());
        QVERIFY2(!pids.contains(m_hostPid.toUtf8()), r.out.constData());
        ExecOutput ps = attack(m_fx, QStringLiteral("cat /proc/[0-9]*/cmdline | tr '\\0' ' '"));
        QVERIFY2(!ps.out.contains("tst_hostile"), ps.out.constData());
    }

    void pid1sCommandLineNamesNoHostPath()
    {
        // Every process may read /proc/1/cmdline; the engine's data dir and
        // the user's home must not be in it.
        ExecOutput r = attack(m_fx, QStringLiteral("tr '\\0' ' ' < /proc/1/cmdline"));
        QCOMPARE(r.out.trimmed(), QByteArray("paddock-init"));
    }

    void hostPidCannotBeSignalled()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("kill -0 %1 2>&1; echo rc=$?").arg(m_hostPid));
        QVERIFY2(r.out.contains("No such process") && r.out.contains("rc=1"), r.out.constData());
    }

    void hostPidCannotBeOpenedAsAPidfd()
    {
        ExecOutput r = pythonAttack(m_fx, QStringLiteral("import os\n"
                                                         "try:\n    os.pidfd_open(%1); print('opened')\n"
                                                         "except OSError as e: print(e.strerror)").arg(m_hostPid));
        QCOMPARE(r.out, QByteArray("No such process\n"));
    }

    void killingEveryProcessReachesOnlyTheSandbox()
    {
        // kill(-1) signals every process the caller may signal: inside a
        // pid namespace that is the sandbox's own, and PID 1 ignores it.
        attack(m_fx, QStringLiteral("kill -KILL -1"));
        QVERIFY(processIsAlive(QCoreApplication::applicationPid()));
        QCOMPARE(attack(m_fx, QStringLiteral("echo alive")).out, QByteArray("alive\n"));
    }

    void hostProcessTreeIsNotInProc()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("test -e /proc/%1 && echo visible; "
                                                   "grep -l paddock-engine /proc/[0-9]*/comm 2>/dev/null | wc -l")
                                        .arg(m_hostPid));
        QCOMPARE(r.out, QByteArray("0\n"));
    }
};

QTEST_GUILESS_MAIN(TstHostileProcess)
#include "tst_hostile_process.moc"
