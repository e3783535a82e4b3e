// Device access: /dev holds null, zero, full, random, urandom, tty and a
// private devpts; there is no /sys; nothing reaches the host's disks,
// memory, kernel log or terminals.
#include "hostile_probe.h"

#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstHostileDevices : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("devices"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void onlyTheSafeDeviceNodesExist()
    {
        // Every device node in the whole tree, by stat(): the nodes are bind
        // mounts over plain files, so a directory listing's type would lie.
        ExecOutput r = pythonAttack(m_fx, QStringLiteral(
            "import os, stat\n"
            "found = []\n"
            "for root, dirs, files in os.walk('/'):\n"
            "    if root == '/': dirs.remove('proc')\n"
            "    for name in files + dirs:\n"
            "        path = os.path.join(root, name)\n"
            "        mode = os.lstat(path).st_mode\n"
            "        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode): found.append(path)\n"
            "print(' '.join(sorted(found)))\n"));
        QCOMPARE(r.out, QByteArray("/dev/full /dev/null /dev/pts/ptmx /dev/random /dev/tty /dev/urandom /dev/zero\n"));
    }

    void hostDisksAreAbsent()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("for d in /dev/sda /dev/nvme0n1 /dev/vda /dev/loop0 /dev/dm-0; do "
                                                   "test -e $d && echo $d; done; echo done"));
        QCOMPARE(r.out, QByteArray("done\n"));
    }

    void kernelMemoryAndPortsAreAbsent()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("for d in /dev/mem /dev/kmem /dev/port /dev/kmsg /dev/console; do "
                                                   "cat $d >/dev/null 2>&1 && echo read:$d; done; echo done"));
        QCOMPARE(r.out, QByteArray("done\n"));
    }

    void kernelLogIsUnreadable()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("dmesg >/dev/null 2>&1; echo dmesg=$?; head -c1 /proc/kmsg 2>/dev/null | wc -c"));
        QVERIFY2(!r.out.contains("dmesg=0") && r.out.endsWith("\n0\n"), r.out.constData());
    }

    void sysfsIsNotMounted()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("ls -A /sys | wc -l; grep -c ' /sys' /proc/self/mounts"));
        QCOMPARE(r.out, QByteArray("0\n0\n"));
    }

    void theDevptsIsPrivate()
    {
        // The host's terminals (its /dev/pts/N) are not here to open: only
        // this sandbox's ptmx, and no controlling terminal for an exec.
        ExecOutput r = attack(m_fx, QStringLiteral("ls /dev/pts | tr '\\n' ' '; cat /dev/tty 2>&1 </dev/null | head -1"));
        QVERIFY2(r.out.startsWith("ptmx \n") || r.out.startsWith("ptmx "), r.out.constData());
        QVERIFY2(r.out.contains("No such device or address"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TstHostileDevices)
#include "tst_hostile_devices.moc"
