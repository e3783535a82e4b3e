// The workload's syscall policy as a table, and the BPF compiled from it,
// checked in a forked child without a sandbox. The same filter is attacked
// from inside real sandboxes in tests/hostile/tst_hostile_kernel.cpp.
#include "syscall_filter.h"
#include "syscall_policy.h"

#include <QSet>
#include <QTest>

#include <linux/sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

using namespace paddock::init;

namespace {

// Runs `probe` in a child that installed the filter; returns the errno the
// probe reported (0: the call succeeded), or -1 when the child died.
int errnoUnderFilter(const SyscallFilter &filter, const std::function<long()> &probe)
{
    int fds[2];
    if (::pipe(fds) != 0)
        return -1;
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        int result = -1;
        if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && installSyscallFilter(filter) == 0)
            result = probe() < 0 ? errno : 0;
        (void)!::write(fds[1], &result, sizeof result);
        ::_exit(0);
    }
    ::close(fds[1]);
    int result = -1;
    if (::read(fds[0], &result, sizeof result) != sizeof result)
        result = -1;
    ::close(fds[0]);
    ::waitpid(pid, nullptr, 0);
    return result;
}

} // namespace

class TstSyscallFilter : public QObject {
    Q_OBJECT

    SyscallFilter m_filter;

private Q_SLOTS:
    void initTestCase()
    {
        Status s = compileSyscallFilter(m_filter);
        QVERIFY2(s.ok(), s.describe().c_str());
        QVERIFY(!m_filter.syscalls.empty() && !m_filter.arguments.empty());
    }

    void everyKnownSyscallHasExactlyOneVerdict()
    {
        QSet<QByteArray> listed;
        for (const policy::SyscallRule &rule : policy::syscallRules()) {
            QVERIFY2(!listed.contains(rule.name), rule.name);
            listed.insert(rule.name);
            QVERIFY2(seccomp_syscall_resolve_name(rule.name) != __NR_SCMP_ERROR, rule.name);
        }
        QStringList missing;
        for (int nr = 0; nr < 1024; ++nr) {
            char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
            if (name && !listed.contains(name))
                missing << QString::fromLatin1(name);
            ::free(name);
        }
        QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("unclassified: ") + missing.join(u' ')));
    }

    void ordinaryCallsPass()
    {
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_getpid); }), 0);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::clone(nullptr, nullptr, 0, nullptr) < 0 ? -1 : 0); }), EINVAL);
        QCOMPARE(errnoUnderFilter(m_filter, [] {
            int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            return long(fd);
        }), 0);
    }

    void deniedCallsFailWithEperm()
    {
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_keyctl, 0, 0, 0, 0, 0); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_io_uring_setup, 1, nullptr); }), EPERM);
    }

    void unknownAndFallbackCallsAreAbsent()
    {
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_clone3, nullptr, 0); }), ENOSYS);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(1000); }), ENOSYS);
    }

    void deniedArgumentsFailWithEperm()
    {
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_clone, CLONE_NEWUSER, 0, 0, 0, 0); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_PACKET, SOCK_RAW, 0)); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, 1)); }), EPERM);
        // The high half of ioctl's request is ignored by the kernel, so it
        // must not hide TIOCSTI from the filter either.
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, "x"); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_socket, (1UL << 32) | AF_PACKET, SOCK_RAW, 0); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_personality, 0x0100000 /* MMAP_PAGE_ZERO */); }), EPERM);
    }

    void missingFilterRefusesToLoad()
    {
        QCOMPARE(installSyscallFilter(SyscallFilter {}), EINVAL);
    }
};

QTEST_GUILESS_MAIN(TstSyscallFilter)
#include "tst_syscall_filter.moc"
