// paddock-init's file reading on the host, without a sandbox: which /proc
// entries count as the reader's own, and how reads are bounded. The same
// code runs in every files helper (engine/init/file_reading.h,
// own_proc_entry.h); here this test process plays the helper.
#include "file_reading.h"
#include "own_proc_entry.h"

#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace paddock;
using namespace paddock::init::files;

namespace {

// A child that waits to be killed: a process whose /proc we may read.
struct Child {
    pid_t pid = ::fork();
    Child()
    {
        if (pid == 0) {
            ::pause();
            ::_exit(0);
        }
    }
    ~Child()
    {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
};

struct ReadResult {
    int error = 0;
    std::string bytes;
    int chunks = 0;
};

ReadResult readWhole(OpenedFile &file)
{
    ReadResult r;
    r.error = readBounded(file, 65536, [&](std::string_view piece) {
        r.bytes.append(piece);
        ++r.chunks;
        return true;
    });
    return r;
}

} // namespace

class TstInitFileReads : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ownProcPathsAreTheReadersPidDirectory_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<int>("pid");
        QTest::addColumn<bool>("own");
        QTest::newRow("environ") << QStringLiteral("/proc/123/environ") << 123 << true;
        QTest::newRow("the directory") << QStringLiteral("/proc/123") << 123 << true;
        QTest::newRow("a thread") << QStringLiteral("/proc/123/task/123/environ") << 123 << true;
        QTest::newRow("exited") << QStringLiteral("/proc/123 (deleted)") << 123 << true;
        QTest::newRow("longer pid") << QStringLiteral("/proc/1234/environ") << 123 << false;
        QTest::newRow("shorter pid") << QStringLiteral("/proc/12/environ") << 123 << false;
        QTest::newRow("another process") << QStringLiteral("/proc/7/environ") << 123 << false;
        QTest::newRow("/proc") << QStringLiteral("/proc") << 123 << false;
        QTest::newRow("global file") << QStringLiteral("/proc/cpuinfo") << 123 << false;
        QTest::newRow("sysctl") << QStringLiteral("/proc/sys/kernel/hostname") << 123 << false;
        // procfs where the sandbox does not mount it: cannot be told, refused.
        QTest::newRow("elsewhere") << QStringLiteral("/mnt/123/environ") << 999 << true;
        QTest::newRow("lookalike") << QStringLiteral("/procfs/1/environ") << 999 << true;
        QTest::newRow("empty") << QStringLiteral("") << 1 << true;
    }

    void ownProcPathsAreTheReadersPidDirectory()
    {
        QFETCH(QString, where);
        QFETCH(int, pid);
        QFETCH(bool, own);
        QCOMPARE(isOwnProcPath(where.toStdString(), pid_t(pid)), own);
    }

    void theKernelsWordDecidesNotThePathsText()
    {
        Child child;
        UniqueFd mine(::open("/proc/self/environ", O_RDONLY | O_CLOEXEC));
        UniqueFd viaThread(::open("/proc/thread-self/environ", O_RDONLY | O_CLOEXEC));
        UniqueFd theirs(::open(QByteArray("/proc/" + QByteArray::number(child.pid) + "/environ").constData(), O_RDONLY | O_CLOEXEC));
        UniqueFd plain(::open("/etc/hostname", O_RDONLY | O_CLOEXEC));
        QVERIFY(mine.valid() && viaThread.valid() && theirs.valid());
        QCOMPARE(checkNotOwnProcEntry(mine.get()), kOwnProcEntry);
        QCOMPARE(checkNotOwnProcEntry(viaThread.get()), kOwnProcEntry);
        QCOMPARE(checkNotOwnProcEntry(theirs.get()), 0);
        if (plain.valid())
            QCOMPARE(checkNotOwnProcEntry(plain.get()), 0);
        UniqueFd proc(::open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
        QCOMPARE(checkNotOwnProcEntryAt(proc.get(), std::to_string(::getpid()).c_str()), kOwnProcEntry);
        QCOMPARE(checkNotOwnProcEntryAt(proc.get(), "self"), 0); // the link itself names no pid
        QCOMPARE(checkNotOwnProcEntryAt(proc.get(), std::to_string(child.pid).c_str()), 0);
        OpenedFile file;
        QCOMPARE(openForReading("/proc/self/environ", file), kOwnProcEntry);
        QCOMPARE(openForReading("/proc/net/dev", file), kOwnProcEntry); // /proc/net is self/net
    }

    // 8 bytes per page of the child's address space: endless in practice.
    void anEndlessPseudoFileStopsAtTheBoundUnsent()
    {
        Child child;
        OpenedFile file;
        QCOMPARE(openForReading("/proc/" + std::to_string(child.pid) + "/pagemap", file), 0);
        QVERIFY(file.pseudo);
        QCOMPARE(std::string(file.filesystem), std::string("procfs"));
        ReadResult r = readWhole(file);
        QCOMPARE(r.error, EFBIG);
        QCOMPARE(r.chunks, 0); // nothing of it was handed on
    }

    void aShortPseudoFileIsReadWhole()
    {
        OpenedFile file;
        QCOMPARE(openForReading("/proc/cpuinfo", file), 0);
        QVERIFY(file.pseudo);
        QCOMPARE(file.size, uint64_t(0));
        ReadResult r = readWhole(file);
        QCOMPARE(r.error, 0);
        QVERIFY(r.bytes.find("processor") != std::string::npos);
        QVERIFY(r.bytes.size() < kMaxPseudoFileBytes);
    }

    void aStoredFileIsReadToItsSizeAtOpen()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("grow")).toStdString();
        UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
        const std::string mib(1 << 20, 'x');
        QCOMPARE(::write(out.get(), mib.data(), mib.size()), ssize_t(mib.size()));
        OpenedFile file;
        QCOMPARE(openForReading(path, file), 0);
        QVERIFY2(!file.pseudo, file.filesystem);
        QCOMPARE(::write(out.get(), mib.data(), mib.size()), ssize_t(mib.size())); // grows after the open
        ReadResult r = readWhole(file);
        QCOMPARE(r.error, 0);
        QCOMPARE(r.bytes.size(), mib.size());
    }

    void onlyRegularFilesAreOpened()
    {
        QTemporaryDir dir;
        const std::string fifo = dir.filePath(QStringLiteral("fifo")).toStdString();
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        const std::pair<std::string, mode_t> cases[] = { { "/dev/zero", S_IFCHR }, { fifo, S_IFIFO } };
        for (const auto &[path, type] : cases) {
            OpenedFile file;
            QCOMPARE(openForReading(path, file), EINVAL);
            QCOMPARE(file.type, type);
        }
        OpenedFile directory;
        QCOMPARE(openForReading("/tmp", directory), EISDIR);
        QCOMPARE(std::string(describeType(S_IFSOCK)), std::string("a socket"));
    }
};

QTEST_GUILESS_MAIN(TstInitFileReads)
#include "tst_init_file_reads.moc"
