// Kernel surface: each row is one attack, a Python program inside the
// sandbox making one system call the policy (engine/init/syscall_policy.cpp)
// refuses, with arguments that would work on an unfiltered kernel where
// that matters. Each asserts the errno the policy promises: EPERM for a
// denial, ENOSYS for a call the sandbox pretends not to have.
#include "hostile_probe.h"

#include <QProcess>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

// Prints the errno name of one raw system call (or OK). Every argument is
// passed as a full 64-bit value: ctypes would truncate plain ints to 32.
const QString kSyscallProbe = QStringLiteral(R"(
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def arg(a):
    if isinstance(a, bytes):
        return ctypes.c_char_p(a)
    if isinstance(a, str):
        return ctypes.c_char_p(os.fsencode(a))
    return ctypes.c_ulong(a & 0xffffffffffffffff)
def call(nr, *args):
    buf = ctypes.create_string_buffer(256)
    args = [ctypes.cast(buf, ctypes.c_void_p) if a is None else arg(a) for a in args]
    rc = libc.syscall(ctypes.c_long(nr), *args)
    print('OK' if rc != -1 else errno.errorcode[ctypes.get_errno()])
)");

} // namespace

class TstHostileKernel : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("kernel"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    // x86_64 numbers; `None` passes a zeroed 256-byte buffer.
    void deniedSyscall_data()
    {
        QTest::addColumn<QString>("call");
        QTest::addColumn<QByteArray>("expected");
        auto row = [](const char *name, const char *call, const char *expected = "EPERM") {
            QTest::newRow(name) << QString::fromLatin1(call) << QByteArray(expected);
        };
        // Keyrings are not namespaced: the host user's keys live there.
        row("keyctl join session keyring", "call(250, 1, 0)");
        row("add_key to the session keyring", "call(248, b'user', b'k', b'secret', 6, (1 << 64) - 3)");
        row("request_key", "call(249, b'user', b'k', 0, 0)");
        // Programs and tracing in the kernel.
        row("bpf map create", "call(321, 0, None, 72)");
        row("perf_event_open", "call(298, None, 0, -1, -1, 0)");
        row("userfaultfd", "call(323, 0)");
        row("io_uring_setup", "call(425, 8, None)");
        // Replacing or extending the kernel.
        row("kexec_load", "call(246, 0, 0, 0, 0)");
        row("kexec_file_load", "call(320, -1, -1, 0, b'', 0)");
        row("init_module", "call(175, None, 16, b'')");
        row("finit_module", "call(313, 0, b'', 0)");
        row("delete_module", "call(176, b'ext4', 0)");
        // Mounts and namespaces, again, below the tools.
        row("mount tmpfs", "call(165, b'none', b'/tmp', b'tmpfs', 0, 0)");
        row("umount2 /proc", "call(166, b'/proc', 2)");
        row("pivot_root", "call(155, b'/tmp', b'/tmp')");
        row("chroot", "call(161, b'/tmp')");
        row("fsopen (new mount API)", "call(430, b'tmpfs', 0)");
        row("open_tree", "call(428, -100, b'/', 1)");
        row("unshare new user namespace", "call(272, 0x10000000)");
        row("unshare new network namespace", "call(272, 0x40000000)");
        row("setns into own net namespace", "call(308, os.open('/proc/self/ns/net', os.O_RDONLY), 0)");
        row("clone with a new user namespace", "call(56, 0x10000000 | 17, 0, 0, 0, 0)");
        row("clone3 (absent, libc falls back)", "call(435, None, 88)", "ENOSYS");
        // Host-wide state.
        row("reboot", "call(169, 0xfee1dead, 672274793, 0x4321fedc, 0)");
        row("swapon", "call(167, b'/tmp/swap', 0)");
        row("syslog read", "call(103, 3, None, 256)");
        row("settimeofday", "call(164, None, 0)");
        row("clock_settime", "call(227, 0, None)");
        row("sethostname", "call(170, b'evil', 4)");
        row("acct", "call(163, b'/tmp/acct')");
        row("iopl", "call(172, 3)");
        row("ioperm", "call(173, 0x80, 1, 1)");
        // Files by handle, the "shocker" escape.
        row("open_by_handle_at", "call(304, os.open('/', os.O_RDONLY), None, 0)");
        // Other processes' fds and memory.
        row("kcmp", "call(312, 1, 1, 0, 0, 0)");
        row("pidfd_getfd from PID 1", "call(438, os.pidfd_open(1), 0, 0)");
        row("process_madvise", "call(440, os.pidfd_open(os.getpid()), None, 1, 8, 0)");
        row("mbind", "call(237, 0, 4096, 0, 0, 0, 0)");
        row("move_pages", "call(279, 1, 0, 0, 0, 0, 0)");
        // Dangerous arguments of allowed calls.
        row("personality READ_IMPLIES_EXEC", "call(135, 0x0400000)");
        row("personality MMAP_PAGE_ZERO", "call(135, 0x0100000)");
        row("socket AF_VSOCK", "call(41, 40, 1, 0)");
        row("socket AF_ALG", "call(41, 38, 5, 0)");
        row("socket AF_PACKET with high bits", "call(41, (1 << 32) | 17, 3, 0)");
        row("ioctl TIOCLINUX", "call(16, 0, 0x541C, None)");
        row("ioctl TIOCSTI with high bits set", "call(16, 0, (1 << 32) | 0x5412, b'x')");
        // A system call newer than the policy: absent, so libc falls back.
        row("syscall from the future", "call(1000)", "ENOSYS");
    }

    void deniedSyscall()
    {
        QFETCH(QString, call);
        QFETCH(QByteArray, expected);
        ExecOutput r = pythonAttack(m_fx, kSyscallProbe + call + u'\n');
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        QCOMPARE(r.out.trimmed(), expected);
    }

    void foreignAbiKillsTheProcess()
    {
        // getpid through the 32-bit `int 0x80` gate, from a 64-bit process:
        // that ABI has other numbers and multiplexers (socketcall) a filter
        // cannot see into. The process is killed (SIGSYS), not let through —
        // unless this kernel (or the hypervisor under it) already refuses
        // the gate to every process with SIGSEGV; then the same must happen.
        const QString probe = QStringLiteral(
            "import ctypes, mmap\n"
            "code = bytes([0xb8, 20, 0, 0, 0, 0xcd, 0x80, 0xc3])  # mov eax,20; int 0x80; ret\n"
            "m = mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)\n"
            "m.write(code)\n"
            "addr = ctypes.addressof(ctypes.c_char.from_buffer(m))\n"
            "print('survived', ctypes.CFUNCTYPE(ctypes.c_int)(addr)())\n");
        QProcess host;
        host.start(QStringLiteral("python3"), { QStringLiteral("-c"), probe });
        QVERIFY(host.waitForFinished(kWaitMs));
        const bool hostHasTheGate = host.exitStatus() == QProcess::NormalExit && host.readAllStandardOutput().contains("survived");
        if (!hostHasTheGate)
            qInfo("this kernel refuses int 0x80 to every process (SIGSEGV): expecting that inside too");
        ExecOutput r = pythonAttack(m_fx, probe);
        QVERIFY(r.status);
        QCOMPARE(r.status->signal, hostHasTheGate ? 31 : 11); // SIGSYS, or the kernel's own SIGSEGV
        QVERIFY2(!r.out.contains("survived"), r.out.constData());
    }

    void ordinaryProgramsStillWork()
    {
        // The filter must not break what agents run: threads, sockets,
        // subprocesses, a pty, mkfifo (mknod), ptrace of one's own child.
        ExecOutput r = pythonAttack(m_fx, QStringLiteral(
            "import os, pty, socket, subprocess, threading\n"
            "t = threading.Thread(target=lambda: None); t.start(); t.join()\n"
            "a, b = socket.socketpair(); a.send(b'x'); assert b.recv(1) == b'x'\n"
            "s = socket.socket(socket.AF_INET6); s.bind(('::1', 0)); s.listen()\n"
            "assert subprocess.run(['true']).returncode == 0\n"
            "m, sl = pty.openpty()\n"
            "os.mkfifo('/tmp/fifo')\n"
            "print('fine')\n"));
        QCOMPARE(r.out, QByteArray("fine\n"));
        QVERIFY2(r.err.isEmpty(), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TstHostileKernel)
#include "tst_hostile_kernel.moc"
