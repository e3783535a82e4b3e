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
        // Every device node in the whole tree. A listing's type is honest
        // except at mount points (the nodes are bind mounts over plain
        // files), so those are stat()ed — all of them, from mountinfo — and
        // everything else is judged by its directory entry: a full lstat()
        // of the host's /usr takes longer than a loaded machine allows.
        ExecOutput r = pythonAttack(m_fx, QStringLiteral(
            "import os, stat\n"
            "found = set()\n"
            "def check(path):\n"
            "    mode = os.lstat(path).st_mode\n"
            "    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode): found.add(path)\n"
            "for line in open('/proc/self/mountinfo'):\n"
            "    check(line.split()[4].replace('\\\\040', ' '))\n"
            "def walk(d):\n"
            "    try:\n"
            "        entries = list(os.scandir(d))\n"
            "    except OSError:\n"
            "        return  # unreadable, as os.walk skips it\n"
            "    for e in entries:\n"
            "        if e.is_dir(follow_symlinks=False):\n"
            "            if e.path != '/proc': walk(e.path)\n"
            "        elif not e.is_file(follow_symlinks=False) and not e.is_symlink(): check(e.path)\n"
            "walk('/')\n"
            "print(' '.join(sorted(p for p in found if not p.startswith('/proc/'))))\n"));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
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
