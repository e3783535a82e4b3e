// Privilege attacks from inside a sandbox: "root" in there must hold no
// capability, over the sandbox or anything else.
#include "hostile_probe.h"

#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstHostilePrivilege : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    bool sandboxStillAnswers() { return attack(m_fx, QStringLiteral("true")).shellStatus() == 0; }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("hostile"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void rootInsideHasNoCapabilities()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status"));
        QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);
        for (const QString &line : lines)
            QVERIFY2(line.endsWith(QLatin1String("0000000000000000")), qPrintable(line));
    }

    void noNewPrivilegesEvenThroughExec()
    {
        QCOMPARE(attack(m_fx, QStringLiteral("grep NoNewPrivs /proc/self/status")).out.simplified(), QByteArray("NoNewPrivs: 1"));
        // A child of a child is no better off.
        ExecOutput r = attack(m_fx, QStringLiteral("sh -c 'sh -c \"grep CapEff /proc/self/status\"'"));
        QVERIFY(r.out.contains("0000000000000000"));
    }

    void mountingIsDenied()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("mount -t tmpfs none /mnt; echo rc=$?; grep -c ' /mnt ' /proc/self/mounts"));
        QVERIFY2(!r.out.contains("rc=0"), r.out.constData());
        QVERIFY(r.out.endsWith("0\n"));
    }

    void remountingTheRootReadWriteElsewhereIsDenied()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("mount -o remount,rw /proc/sys; echo rc=$?; echo 1 > /proc/sys/kernel/domainname; echo w=$?"));
        QVERIFY2(!r.out.contains("rc=0") && !r.out.contains("w=0"), r.out.constData());
    }

    void chrootIsDenied()
    {
        QVERIFY(attack(m_fx, QStringLiteral("chroot / true")).shellStatus() != 0);
    }

    void hostnameCannotBeChanged()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("hostname evil; hostname"));
        QCOMPARE(r.out, QByteArray("hostile\n"));
    }

    void deviceNodesCannotBeCreated()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("mknod /tmp/mem c 1 1; echo rc=$?; test -e /tmp/mem && echo exists"));
        QVERIFY2(!r.out.contains("rc=0") && !r.out.contains("exists"), r.out.constData());
    }

    void pid1CannotBeInspected()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("readlink /proc/1/root; readlink /proc/1/cwd; readlink /proc/1/exe; "
                                                   "for f in /proc/1/fd/*; do readlink $f; done; cat /proc/1/environ; "
                                                   "ls /proc/1/root/; cat /proc/1/maps | head -1"));
        QCOMPARE(r.out, QByteArray()); // every one of them refused
    }

    void pid1CannotBeTraced()
    {
        ExecOutput r = pythonAttack(m_fx, QStringLiteral("import ctypes, os\n"
                                                         "libc = ctypes.CDLL(None, use_errno=True)\n"
                                                         "rc = libc.ptrace(16, 1, 0, 0)  # PTRACE_ATTACH\n"
                                                         "print(rc, os.strerror(ctypes.get_errno()))"));
        QVERIFY2(r.out.startsWith("-1 "), r.out.constData());
    }

    void pid1IgnoresSignalsFromInside()
    {
        attack(m_fx, QStringLiteral("kill -TERM 1; kill -KILL 1; kill -INT 1"));
        QVERIFY(sandboxStillAnswers());
    }

    void kernelInterfacesAreMaskedOrReadOnly()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("echo h > /proc/sysrq-trigger; echo s=$?; "
                                                   "head -c 16 /proc/kcore 2>/dev/null | wc -c; "
                                                   "echo 1 > /proc/sys/vm/drop_caches; echo v=$?"));
        QVERIFY2(!r.out.contains("s=0") && !r.out.contains("v=0"), r.out.constData());
        QVERIFY2(r.out.contains("\n0\n"), r.out.constData()); // nothing of kernel memory
    }

    void newNamespacesAreDenied()
    {
        // A user namespace would hand the workload a fresh set of
        // capabilities over namespaces of its own: the syscall filter
        // refuses the unshare, and clone with namespace flags.
        ExecOutput r = attack(m_fx, QStringLiteral("unshare -U true 2>&1; unshare -rm true 2>&1; unshare -n true 2>&1"));
        QCOMPARE(r.out.count("Operation not permitted"), 3);
        QVERIFY(sandboxStillAnswers());
    }

    void pivotRootIsDenied()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("mkdir -p /tmp/new/old; pivot_root /tmp/new /tmp/new/old 2>&1; echo rc=$?"));
        QVERIFY2(r.out.contains("Operation not permitted") && r.out.contains("rc=1"), r.out.constData());
    }

    void setuidBinariesGrantNothing()
    {
        // The host's setuid-root programs are in /usr. With no_new_privs the
        // kernel ignores their bit: no credential change, so no secure-exec
        // mode (AT_SECURE 0) and the same uid as the caller.
        ExecOutput r = attack(m_fx, QStringLiteral("ls -l /usr/bin/passwd | cut -c1-4; "
                                                   "LD_SHOW_AUXV=1 /usr/bin/passwd --help 2>/dev/null | grep -E '^AT_(SECURE|EUID|UID):'"));
        QVERIFY2(r.out.startsWith("-rws\n"), r.out.constData()); // it is setuid
        QVERIFY2(r.out.contains("AT_SECURE:            0"), r.out.constData());
        QVERIFY2(r.out.contains("AT_UID:               0") && r.out.contains("AT_EUID:              0"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TstHostilePrivilege)
#include "tst_hostile_privilege.moc"
