// The metering parsers against what the kernel prints and what a sandbox
// can make it print: /proc/PID/stat lines with hostile command names, a
// process tree summed without counting anything twice, cgroup and mount
// tables (v1, v2, a namespaced mount root), and byte sizes.
#include "metering/cgroup_layout.h"
#include "metering/process_tree.h"
#include "metering/resource_control.h"
#include "store/sandbox_store.h"
#include "store/usage_store.h"

#include "paddock/resources.h"

#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace paddock;
using namespace paddock::metering;

namespace {

// A stat line as proc(5) prints it; `comm` is the sandbox's choice.
QByteArray statLine(qint64 pid, const QByteArray &comm, qint64 ppid, qint64 utime, qint64 stime, qint64 cutime,
                    qint64 cstime, qint64 rss)
{
    return QByteArray::number(pid) + " (" + comm + ") S " + QByteArray::number(ppid)
        + " 1 1 0 -1 4194560 100 0 0 0 " + QByteArray::number(utime) + ' ' + QByteArray::number(stime) + ' '
        + QByteArray::number(cutime) + ' ' + QByteArray::number(cstime) + " 20 0 1 0 5000 1000000 "
        + QByteArray::number(rss) + " 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
}

ProcStat stat(const QByteArray &line)
{
    auto s = parseProcStat(line);
    return s ? *s : ProcStat {};
}

} // namespace

class TstMeteringUnits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void statLinesWithHostileNamesParse();
    void malformedStatLinesAreRefused();
    void aTreeCountsLiveAndReapedTimeOnce();
    void aTreeIgnoresOtherProcessesAndSurvivesPidLoops();
    void cgroupV1LayoutMapsControllersToDirectories();
    void cgroupV2LayoutAndANamespacedRoot();
    void byteSizesParseAndPrint();
    void defaultLimitsBoundTheSandbox();
    void thisProcessIsInTheRealTable();
    void usageIsKeptInThreeResolutionsAndPruned();
    void durationsParse();
};

void TstMeteringUnits::statLinesWithHostileNamesParse()
{
    // A name may hold ") S 1", spaces, parentheses and a newline: the line
    // splits at its last ')'.
    const QByteArray hostile = "x) S 1 2 3 (y";
    const ProcStat s = stat(statLine(42, hostile, 7, 10, 5, 3, 2, 100));
    QCOMPARE(s.pid, qint64(42));
    QCOMPARE(s.comm, hostile);
    QCOMPARE(s.ppid, qint64(7));
    QCOMPARE(s.ownTicks, qint64(15));
    QCOMPARE(s.reapedTicks, qint64(5));
    QCOMPARE(s.rssPages, qint64(100));
    QCOMPARE(stat(statLine(9, "a\nb", 1, 1, 1, 0, 0, 1)).comm, QByteArray("a\nb"));
    QCOMPARE(stat(statLine(9, "", 1, 1, 1, 0, 0, 1)).pid, qint64(9));
}

void TstMeteringUnits::malformedStatLinesAreRefused()
{
    QVERIFY(!parseProcStat(""));
    QVERIFY(!parseProcStat("garbage"));
    QVERIFY(!parseProcStat("12 (short) S 1 2"));
    QVERIFY(!parseProcStat("x (name) S 1 1 1 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 1 1 1 0"));
    QVERIFY(!parseProcStat(statLine(5, "n", 1, 1, 1, 0, 0, 1).replace(" 20 0 1", " zz 0 1").left(40)));
}

void TstMeteringUnits::aTreeCountsLiveAndReapedTimeOnce()
{
    // init (100) reaped children worth 50 ticks; its live child 101 reaped
    // 20 of its own; 102 is 101's child. Another tree (200) is not counted.
    const QList<ProcStat> table {
        stat(statLine(100, "paddock-init", 1, 2, 1, 40, 10, 10)),
        stat(statLine(101, "sh", 100, 5, 5, 15, 5, 20)),
        stat(statLine(102, "sha256sum", 101, 100, 0, 0, 0, 30)),
        stat(statLine(200, "other", 1, 1000, 1000, 0, 0, 999)),
    };
    const TreeUsage u = sumProcessTree(table, 100);
    QVERIFY(u.found);
    QCOMPARE(u.processes, qint64(3));
    const qint64 ticks = 3 + 50 + 10 + 20 + 100;
    QCOMPARE(u.cpuNs, ticks * (1000000000 / ::sysconf(_SC_CLK_TCK)));
    QCOMPARE(u.rssBytes, qint64(60) * ::sysconf(_SC_PAGESIZE));
}

void TstMeteringUnits::aTreeIgnoresOtherProcessesAndSurvivesPidLoops()
{
    QVERIFY(!sumProcessTree({ stat(statLine(5, "a", 1, 1, 1, 0, 0, 1)) }, 6).found);
    // Two reads racing a pid's reuse can show a loop; the walk still ends.
    const QList<ProcStat> loop { stat(statLine(10, "a", 11, 1, 0, 0, 0, 1)), stat(statLine(11, "b", 10, 1, 0, 0, 0, 1)) };
    const TreeUsage u = sumProcessTree(loop, 10);
    QVERIFY(u.found);
    QVERIFY(u.processes <= 2);
}

void TstMeteringUnits::cgroupV1LayoutMapsControllersToDirectories()
{
    const QByteArray cgroup = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/user\n0::/\n";
    const QByteArray mounts =
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
        "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
        "50 31 0:40 / /mnt/with\\040space rw - ext4 /dev/sda1 rw\n";
    const CgroupLayout l = parseCgroupLayout(cgroup, mounts);
    QCOMPARE(CgroupLayout::directory(l.v1.value("memory"), l.v1Paths.value("memory")),
             QStringLiteral("/sys/fs/cgroup/memory/process_api/abc"));
    QCOMPARE(CgroupLayout::directory(l.v1.value("cpuacct"), l.v1Paths.value("cpuacct")),
             QStringLiteral("/sys/fs/cgroup/cpu,cpuacct/user"));
    QCOMPARE(CgroupLayout::directory(l.v1.value("pids"), l.v1Paths.value("pids")), QStringLiteral("/sys/fs/cgroup/pids"));
    QCOMPARE(l.v2.mountPoint, QStringLiteral("/sys/fs/cgroup/unified"));
    QVERIFY(!l.v1.contains("freezer"));
}

void TstMeteringUnits::cgroupV2LayoutAndANamespacedRoot()
{
    const QByteArray cgroup = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/paddock.scope\n";
    const QByteArray mounts = "30 24 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
    const CgroupLayout l = parseCgroupLayout(cgroup, mounts);
    QCOMPARE(CgroupLayout::directory(l.v2, l.v2Path),
             QStringLiteral("/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/paddock.scope"));
    // Mounted from below the hierarchy's root (a container): paths under
    // that root map; one outside it has no directory here.
    const CgroupMount sub { QStringLiteral("/sys/fs/cgroup"), QStringLiteral("/machine/c1") };
    QCOMPARE(CgroupLayout::directory(sub, QStringLiteral("/machine/c1/paddock/sb-x")),
             QStringLiteral("/sys/fs/cgroup/paddock/sb-x"));
    QCOMPARE(CgroupLayout::directory(sub, QStringLiteral("/machine/c10")), QString());
    QCOMPARE(CgroupLayout::directory(sub, QStringLiteral("relative")), QString());
    QCOMPARE(parseProcessCgroups("garbage\n::\n3:memory:/a\n").value(QStringLiteral("memory")), QStringLiteral("/a"));
}

void TstMeteringUnits::byteSizesParseAndPrint()
{
    QCOMPARE(parseByteSize("2G"), std::optional<qint64>(2ll << 30));
    QCOMPARE(parseByteSize("512M"), std::optional<qint64>(512ll << 20));
    QCOMPARE(parseByteSize("1.5GiB"), std::optional<qint64>(3ll << 29));
    QCOMPARE(parseByteSize("64k"), std::optional<qint64>(64ll << 10));
    QCOMPARE(parseByteSize("1048576"), std::optional<qint64>(1 << 20));
    for (const char *bad : { "", "-1G", "1.5", "G", "1X", "99999999999T", "1e9", "1 2" })
        QVERIFY2(!parseByteSize(QString::fromLatin1(bad)), bad);
    QCOMPARE(formatByteSize(512), QStringLiteral("512 B"));
    QCOMPARE(formatByteSize(2ll << 30), QStringLiteral("2.0 GiB"));
}

void TstMeteringUnits::defaultLimitsBoundTheSandbox()
{
    const ResourceLimits d = defaultLimits();
    QVERIFY(d.memoryBytes > 0);
    QVERIFY(d.pids > 0);
    QVERIFY(validateLimits(d));
    QCOMPARE(withDefaults({ 1.5, 0, 0 }).memoryBytes, d.memoryBytes);
    QCOMPARE(withDefaults({ 1.5, 0, 0 }).cpus, 1.5);
    QVERIFY(!validateLimits({ 0.001, 0, 0 }));
    QVERIFY(!validateLimits({ double(hostCpuCount()) + 1, 0, 0 }));
}

void TstMeteringUnits::thisProcessIsInTheRealTable()
{
    const QList<ProcStat> table = readProcessTable();
    const TreeUsage self = sumProcessTree(table, ::getpid());
    QVERIFY(self.found);
    QVERIFY(self.rssBytes > 0);
}

void TstMeteringUnits::usageIsKeptInThreeResolutionsAndPruned()
{
    using namespace paddock::store;
    QTemporaryDir dir;
    auto db = Database::open(dir.filePath(QStringLiteral("p.db")));
    QVERIFY(db);
    SandboxStore sandboxes(**db);
    SandboxInfo sb;
    sb.id = QStringLiteral("s1");
    sb.name = QStringLiteral("s1");
    sb.createdAt = QDateTime::currentDateTimeUtc();
    sb.baseImage = QStringLiteral("host");
    QVERIFY(sandboxes.insert(sb));
    UsageStore usage(**db);
    const qint64 hour = 1800000000 - 1800000000 % 3600; // a whole hour
    QList<UsageSample> samples;
    for (qint64 s = 0; s < 120; ++s) // two minutes, 10 ms of CPU and 1 MiB + s bytes each second
        samples.append({ QStringLiteral("s1"), hour + s, 10000000, (1 << 20) + s });
    QVERIFY(usage.record(samples));
    const QDateTime start = QDateTime::fromSecsSinceEpoch(hour, Qt::UTC);
    auto seconds = usage.history(QStringLiteral("s1"), start, 1);
    auto minutes = usage.history(QStringLiteral("s1"), start, 60);
    auto hours = usage.history(QStringLiteral("s1"), start, 3600);
    QVERIFY(seconds && minutes && hours);
    QCOMPARE(seconds->size(), 120);
    QCOMPARE(minutes->size(), 2);
    QCOMPARE(hours->size(), 1);
    QCOMPARE(minutes->at(1).cpuNs, qint64(600000000));
    QCOMPARE(minutes->at(1).memoryMaxBytes, qint64((1 << 20) + 119));
    QCOMPARE(hours->at(0).samples, 120);
    QCOMPARE(hours->at(0).cpuNs, qint64(1200000000));
    // A day later: the seconds are gone, the minutes and the hour stay.
    QVERIFY(usage.prune(hour + 86400));
    QCOMPARE(usage.history(QStringLiteral("s1"), start, 1)->size(), 0);
    QCOMPARE(usage.history(QStringLiteral("s1"), start, 60)->size(), 2);
    // Eight days later only the hour stays; removing the sandbox removes it.
    QVERIFY(usage.prune(hour + 8 * 86400));
    QCOMPARE(usage.history(QStringLiteral("s1"), start, 60)->size(), 0);
    QCOMPARE(usage.history(QStringLiteral("s1"), start, 3600)->size(), 1);
    QVERIFY(sandboxes.remove(QStringLiteral("s1")));
    QCOMPARE(usage.history(QStringLiteral("s1"), start, 3600)->size(), 0);
}

void TstMeteringUnits::durationsParse()
{
    QCOMPARE(parseDuration("90s"), std::optional<qint64>(90));
    QCOMPARE(parseDuration("15m"), std::optional<qint64>(900));
    QCOMPARE(parseDuration("1h"), std::optional<qint64>(3600));
    QCOMPARE(parseDuration("7d"), std::optional<qint64>(7 * 86400));
    QCOMPARE(parseDuration("30"), std::optional<qint64>(30));
    for (const char *bad : { "", "-1h", "1.5h", "h", "1w", "99999999d", "1h2m" })
        QVERIFY2(!parseDuration(QString::fromLatin1(bad)), bad);
}

QTEST_GUILESS_MAIN(TstMeteringUnits)
#include "tst_metering_units.moc"
