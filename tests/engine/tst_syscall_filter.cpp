// The workload's syscall policy as a table, and the BPF compiled from it,
// checked in a forked child without a sandbox. The same filter is attacked
// from inside real sandboxes in tests/hostile/tst_hostile_kernel.cpp.
#include "paddock/fd_passing.h"
#include "refused_calls.h"
#include "syscall_filter.h"
#include "syscall_policy.h"

#include <QSet>
#include <QTest>

#include <linux/netlink.h>
#include <linux/sched.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

using namespace paddock;
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
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_VSOCK, SOCK_STREAM, 0)); }), EPERM);
        // The high half of ioctl's request is ignored by the kernel, so it
        // must not hide TIOCSTI from the filter either.
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_ioctl, 0, (1UL << 32) | TIOCSTI, "x"); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_socket, (1UL << 32) | AF_VSOCK, SOCK_STREAM, 0); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_socket, 64, SOCK_STREAM, 0); }), EPERM);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_socket, 0x80000000UL | AF_INET, SOCK_STREAM, 0); }), EPERM);
        // The kernel reads an int: (1 << 32) | AF_INET is AF_INET.
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_socket, (1UL << 32) | AF_INET, SOCK_STREAM, 0); }), 0);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return ::syscall(SYS_personality, 0x0100000 /* MMAP_PAGE_ZERO */); }), EPERM);
    }

    // Without a listener (the files helper) the reported calls are refused
    // all the same, only unreported.
    void reportedCallsWithoutListenerFail()
    {
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_PACKET, SOCK_RAW, 0)); }), ENOSYS);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, 1)); }), ENOSYS);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER)); }), ENOSYS);
        // What the resolver and ip(8) need is not among them.
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)); }), 0);
        QCOMPARE(errnoUnderFilter(m_filter, [] { return long(::socket(AF_INET6, SOCK_DGRAM, 0)); }), 0);
    }

    // With one, PID 1's answer: EPERM to the caller, and a description of
    // the attempt naming the process.
    void reportedCallsAreRefusedAndDescribed()
    {
        QFETCH(qint64, family);
        QFETCH(int, type);
        QFETCH(int, protocol);
        QFETCH(QString, kind);
        QFETCH(QString, what);
        int channel[2];
        QCOMPARE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel), 0);
        pid_t pid = ::fork();
        if (pid == 0) {
            int listener = -1, result = -1;
            if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && installSyscallFilter(m_filter, &listener) == 0
                && sendWithFds(channel[1], "L", 1, &listener, 1)) {
                ::close(listener);
                // Through syscall(2): the family as the kernel gets it, high bits too.
                result = ::syscall(SYS_socket, family, type, protocol) < 0 ? errno : 0;
            }
            (void)!::write(channel[1], &result, sizeof result);
            ::_exit(0);
        }
        ::close(channel[1]);
        RefusedCalls calls;
        std::vector<UniqueFd> listener;
        char tag;
        bool truncated = false;
        QCOMPARE(receiveWithFds(channel[0], &tag, 1, listener, truncated), ssize_t(1));
        QCOMPARE(listener.size(), size_t(1));
        calls.watch(std::move(listener.front()));
        QCOMPARE(calls.size(), size_t(1));
        std::vector<pollfd> fds;
        calls.appendPollFds(fds);
        QCOMPARE(::poll(fds.data(), 1, 5000), 1);
        std::optional<paddock::wire::EgressRefusal> refusal = calls.answer(0, fds[0].revents);
        int result = -1;
        QCOMPARE(::read(channel[0], &result, sizeof result), ssize_t(sizeof result));
        ::close(channel[0]);
        ::waitpid(pid, nullptr, 0);
        QCOMPARE(result, EPERM);
        QVERIFY(refusal);
        QCOMPARE(QString::fromStdString(refusal->protocol), kind);
        QVERIFY2(QString::fromStdString(refusal->what).contains(what), refusal->what.c_str());
        QCOMPARE(refusal->pid, int32_t(pid)); // this test's pid namespace is PID 1's here
        QVERIFY2(refusal->process.find("(pid " + std::to_string(pid) + ")") != std::string::npos, refusal->process.c_str());
    }
    void reportedCallsAreRefusedAndDescribed_data()
    {
        QTest::addColumn<qint64>("family");
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("protocol");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("what");
        QTest::newRow("raw IPv4") << qint64(AF_INET) << int(SOCK_RAW) << 1 << "raw-socket" << "raw IPv4";
        QTest::newRow("raw IPv6, flags") << qint64(AF_INET6) << int(SOCK_RAW | SOCK_CLOEXEC) << 58 << "raw-socket" << "raw IPv6";
        QTest::newRow("packet") << qint64(AF_PACKET) << int(SOCK_DGRAM) << 0 << "packet-socket" << "packet socket";
        QTest::newRow("nftables") << qint64(AF_NETLINK) << int(SOCK_RAW) << int(NETLINK_NETFILTER) << "firewall" << "netfilter";
        QTest::newRow("packet, high bits") << qint64((1LL << 32) | AF_PACKET) << int(SOCK_RAW) << 0 << "packet-socket" << "packet socket";
    }

    void aSecondListenerCannotBeInstalled()
    {
        // A workload's own listener would see its reported calls before PID 1.
        QCOMPARE(errnoUnderFilter(m_filter, [this] {
            int listener = -1;
            if (installSyscallFilter(m_filter, &listener) != 0)
                return -1L;
            int again = -1;
            errno = installSyscallFilter(m_filter, &again);
            return errno ? -1L : 0L;
        }), EBUSY);
    }

    void missingFilterRefusesToLoad()
    {
        QCOMPARE(installSyscallFilter(SyscallFilter {}), EINVAL);
    }
};

QTEST_GUILESS_MAIN(TstSyscallFilter)
#include "tst_syscall_filter.moc"
