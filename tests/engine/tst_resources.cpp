// A sandbox's resources against the real kernel, in whatever mode this
// machine and user allow (cgroup v1 as root on CI, the rootless fallback as
// an ordinary user; each run prints which): CPU time as the kernel counted
// it, a CPU quota that holds and changes live, a memory limit that stops a
// hog while the sandbox keeps answering, sandbox work first for the OOM
// killer, limits kept across an engine restart, and bad limits refused.
#include "test_support.h"

#include "paddock/resources.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <unistd.h>

using namespace paddock;
using namespace paddock::test;

namespace {

struct Opened {
    std::unique_ptr<TestDataDir> data = std::make_unique<TestDataDir>();
    std::unique_ptr<Engine> engine;
    SandboxInfo sandbox;

    QString open(const ResourceLimits &limits, const QString &name = QStringLiteral("res"))
    {
        auto e = Engine::open(data->paths());
        if (!e)
            return e.error().message;
        engine = std::move(*e);
        auto sb = engine->createSandbox(SandboxSpec { name, limits });
        if (!sb)
            return sb.error().message;
        sandbox = *sb;
        return {};
    }
    ~Opened() { engine.reset(); } // before the data dir, which removes the sandbox
};

ResourceUsage usageOf(Engine &engine, const QString &sb)
{
    auto u = await<ResourceUsage>([&](Callback<ResourceUsage> cb) { engine.sandboxUsage(sb, std::move(cb)); });
    return u ? *u : ResourceUsage {};
}

double cpuSeconds(const ResourceUsage &u) { return double(u.cpuNs) / 1e9; }

bool cgroupMode(Engine &engine) { return engine.resourceMode().mode != ResourceMode::Rootless; }

// Spins for `seconds` of wall time; returns the sandbox's CPU seconds in that time.
double spinFor(Engine &engine, const QString &sb, int seconds)
{
    const ResourceUsage before = usageOf(engine, sb);
    const ExecOutput out = execIn(engine, sb, { QStringLiteral("timeout"), QString::number(seconds), QStringLiteral("sh"),
                                                QStringLiteral("-c"), QStringLiteral("while :; do :; done") });
    const ResourceUsage after = usageOf(engine, sb);
    return cpuSeconds(after) - cpuSeconds(before);
}

// The directory of the sandbox's cgroup in a v1 hierarchy, from its PID 1.
QString v1Dir(qint64 initPid, const QString &controller)
{
    QFile f(QStringLiteral("/proc/%1/cgroup").arg(initPid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(':');
        if (parts.size() == 3 && parts[1].split(',').contains(controller.toUtf8()))
            return QStringLiteral("/sys/fs/cgroup/%1%2").arg(controller, QString::fromUtf8(parts[2]));
    }
    return {};
}

} // namespace

class TstResources : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reportsTheModeInForce();
    void cpuTimeMatchesWhatTheKernelCounted();
    void anIdleSandboxBurnsAlmostNothing();
    void aCpuQuotaHoldsASpinningLoopAndChangesLive();
    void aMemoryHogIsStoppedAndTheSandboxAnswers();
    void sandboxWorkIsFirstForTheOomKiller();
    void limitsSurviveAnEngineRestart();
    void badLimitsAreRefusedAndNothingIsMade();
    void theCliSetsAndShowsLimits();
    void eachSecondIsKeptWithItsCost();
};

void TstResources::reportsTheModeInForce()
{
    Opened o;
    QCOMPARE(o.open({}), QString());
    const ResourceModeInfo info = o.engine->resourceMode();
    qInfo("resource mode: %s (%s), as uid %d", qPrintable(resourceModeName(info.mode)), qPrintable(info.detail),
          int(::geteuid()));
    QVERIFY(!info.enforced.isEmpty());
    QVERIFY(!info.notCovered.isEmpty());
    if (qEnvironmentVariable("PADDOCK_RESOURCE_MODE") == QLatin1String("rootless"))
        QCOMPARE(info.mode, ResourceMode::Rootless);
    else if (::geteuid() == 0) // root can write cgroups on every machine this runs on
        QVERIFY2(info.mode != ResourceMode::Rootless, qPrintable(info.detail));
    // A sandbox created with no flags is bounded all the same.
    QVERIFY(o.sandbox.limits.memoryBytes > 0);
    QVERIFY(o.sandbox.limits.pids > 0);
    QCOMPARE(o.sandbox.limits, info.defaults);
}

void TstResources::cpuTimeMatchesWhatTheKernelCounted()
{
    Opened o;
    QCOMPARE(o.open({}), QString());
    const ResourceUsage before = usageOf(*o.engine, o.sandbox.id);
    QVERIFY2(before.known, qPrintable(before.problem));
    // The shell waited for timeout, which waited for sha256sum: its
    // children's times (fields 16 and 17 of its stat) are theirs.
    const ExecOutput out = execIn(*o.engine, o.sandbox.id,
                                  { QStringLiteral("sh"), QStringLiteral("-c"),
                                    QStringLiteral("timeout 2 sha256sum /dev/zero; cut -d' ' -f16,17 /proc/$$/stat") });
    const ResourceUsage after = usageOf(*o.engine, o.sandbox.id);
    const QList<QByteArray> ticks = out.out.trimmed().split(' ');
    QCOMPARE(ticks.size(), 2);
    const double kernel = double(ticks[0].toLongLong() + ticks[1].toLongLong()) / double(::sysconf(_SC_CLK_TCK));
    const double reported = cpuSeconds(after) - cpuSeconds(before);
    qInfo("sha256sum for 2 s: kernel %.3f s, Paddock %.3f s (%s)", kernel, reported,
          qPrintable(resourceModeName(o.engine->resourceMode().mode)));
    QVERIFY2(kernel > 0.5, qPrintable(out.summary()));
    QVERIFY2(std::abs(reported - kernel) <= 0.1 * kernel,
             qPrintable(QStringLiteral("kernel %1 s, reported %2 s").arg(kernel).arg(reported)));
}

void TstResources::anIdleSandboxBurnsAlmostNothing()
{
    Opened o;
    QCOMPARE(o.open({}), QString());
    const ResourceUsage before = usageOf(*o.engine, o.sandbox.id);
    QTest::qWait(2000);
    const ResourceUsage after = usageOf(*o.engine, o.sandbox.id);
    QVERIFY(before.known && after.known);
    const double burnt = cpuSeconds(after) - cpuSeconds(before);
    qInfo("idle for 2 s: %.4f CPU seconds", burnt);
    QVERIFY2(burnt < 0.02, qPrintable(QString::number(burnt)));
    QVERIFY(after.memoryBytes > 0);
    QVERIFY(after.tasks >= 1);
}

void TstResources::aCpuQuotaHoldsASpinningLoopAndChangesLive()
{
    Opened o;
    QCOMPARE(o.open({ 0.5, 0, 0 }), QString());
    QCOMPARE(o.sandbox.limits.cpus, 0.5);
    if (!cgroupMode(*o.engine))
        QSKIP("rootless mode: a CPU limit is measured, not enforced (paddock info says so)");
    const double half = spinFor(*o.engine, o.sandbox.id, 3) / 3;
    qInfo("0.5 CPU limit: %.3f CPU while spinning", half);
    QVERIFY2(std::abs(half - 0.5) <= 0.1, qPrintable(QString::number(half)));
    auto changed = o.engine->updateSandboxLimits(o.sandbox.id, ResourceLimitsChange { 0.25, {}, {} });
    QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().message));
    QCOMPARE(changed->limits.cpus, 0.25);
    const double quarter = spinFor(*o.engine, o.sandbox.id, 2) / 2;
    qInfo("changed live to 0.25 CPU: %.3f CPU while spinning", quarter);
    QVERIFY2(std::abs(quarter - 0.25) <= 0.1, qPrintable(QString::number(quarter)));
}

void TstResources::aMemoryHogIsStoppedAndTheSandboxAnswers()
{
    Opened o;
    QCOMPARE(o.open({ 0, 64ll << 20, 0 }), QString());
    // tail keeps the last 100 MiB of its input: 100 MiB it cannot have.
    const ExecOutput hog = execIn(*o.engine, o.sandbox.id,
                                  { QStringLiteral("sh"), QStringLiteral("-c"),
                                    QStringLiteral("head -c 200M /dev/zero | tail -c 100M > /dev/null; echo tail=$?") });
    qInfo("a 100 MiB hog under a 64 MiB limit (%s): %s", qPrintable(resourceModeName(o.engine->resourceMode().mode)),
          qPrintable(hog.summary().simplified()));
    QVERIFY2(hog.out.contains("tail=") && !hog.out.contains("tail=0"), qPrintable(hog.summary()));
    const ExecOutput alive = execIn(*o.engine, o.sandbox.id, { QStringLiteral("echo"), QStringLiteral("alive") });
    QCOMPARE(alive.out, QByteArray("alive\n"));
    // Within the limit, the same work succeeds.
    const ExecOutput small = execIn(*o.engine, o.sandbox.id,
                                    { QStringLiteral("sh"), QStringLiteral("-c"),
                                      QStringLiteral("head -c 40M /dev/zero | tail -c 8M | wc -c") });
    QCOMPARE(small.out.trimmed(), QByteArray("8388608"));
    // Pages no process holds (tmpfs) count too: a cgroup charges them to
    // the sandbox, and the rootless mode bounds each tmpfs by the limit.
    // Either way the writer is stopped, never PID 1.
    const ExecOutput shm = execIn(*o.engine, o.sandbox.id,
                                  { QStringLiteral("sh"), QStringLiteral("-c"),
                                    QStringLiteral("head -c 100M /dev/zero > /dev/shm/big; echo shm=$?") });
    qInfo("100 MiB into /dev/shm under a 64 MiB limit: %s", qPrintable(shm.summary().simplified()));
    QVERIFY2(shm.status, "the sandbox did not answer: its PID 1 was killed");
    // The kernel kills the writer or its shell (both workloads), or the write fails.
    QVERIFY2(!shm.out.contains("shm=0"), qPrintable(shm.summary()));
    QCOMPARE(o.engine->sandbox(o.sandbox.id)->state, SandboxState::Running);
    QVERIFY(processIsAlive(o.engine->sandbox(o.sandbox.id)->initPid));
}

void TstResources::sandboxWorkIsFirstForTheOomKiller()
{
    Opened o;
    QCOMPARE(o.open({}), QString());
    const ExecOutput out = execIn(*o.engine, o.sandbox.id, { QStringLiteral("cat"), QStringLiteral("/proc/self/oom_score_adj") });
    QCOMPARE(out.out.trimmed(), QByteArray("1000"));
    // PID 1 keeps the user's own score: the workloads go before the PID 1 they need.
    const ExecOutput init = execIn(*o.engine, o.sandbox.id, { QStringLiteral("cat"), QStringLiteral("/proc/1/oom_score_adj") });
    QVERIFY2(init.out.trimmed() != "1000" && !init.out.trimmed().isEmpty(), qPrintable(init.summary()));
    // It may not put itself ahead of the user's processes: below 0 wants
    // CAP_SYS_RESOURCE, which nothing inside has. (Back to 0 it may go:
    // the kernel lets any process return to where it began.)
    const ExecOutput lower = execIn(*o.engine, o.sandbox.id,
                                    { QStringLiteral("sh"), QStringLiteral("-c"),
                                      QStringLiteral("echo -500 > /proc/self/oom_score_adj; cat /proc/self/oom_score_adj") });
    QVERIFY2(lower.out.trimmed().endsWith("1000"), qPrintable(lower.summary()));
}

void TstResources::limitsSurviveAnEngineRestart()
{
    Opened o;
    QCOMPARE(o.open({ 0, 128ll << 20, 300 }), QString());
    o.engine.reset();
    auto reopened = Engine::open(o.data->paths());
    QVERIFY(reopened);
    o.engine = std::move(*reopened);
    auto sb = o.engine->sandbox(o.sandbox.id);
    QVERIFY(sb);
    QCOMPARE(sb->limits.pids, qint64(300));
    QCOMPARE(sb->limits.memoryBytes, 128ll << 20);
    // The new engine finds the sandbox's cgroups from its PID 1 and changes them.
    auto changed = o.engine->updateSandboxLimits(o.sandbox.id, ResourceLimitsChange { {}, {}, 200 });
    QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().message));
    QCOMPARE(changed->limits.pids, qint64(200));
    QVERIFY(usageOf(*o.engine, o.sandbox.id).known);
    if (o.engine->resourceMode().mode == ResourceMode::CgroupV1)
        QCOMPARE(fileContents(v1Dir(sb->initPid, QStringLiteral("pids")) + QStringLiteral("/pids.max")).trimmed(),
                 QByteArray("200"));
}

void TstResources::badLimitsAreRefusedAndNothingIsMade()
{
    Opened o;
    QCOMPARE(o.open({}), QString());
    const ResourceLimits bad[] = { { -1, 0, 0 },    { 4096, 0, 0 },       { 0, 1000, 0 },
                                   { 0, 0, 3 },     { 0, -5, 0 },         { 0, 0, 10000000 },
                                   { 0, 0, -1 },    { 0, 1ll << 60, 0 } };
    for (const ResourceLimits &l : bad) {
        auto sb = o.engine->createSandbox(SandboxSpec { QStringLiteral("bad"), l });
        QVERIFY(!sb);
        QCOMPARE(sb.error().code, ErrorCode::InvalidArgument);
        auto changed = o.engine->updateSandboxLimits(o.sandbox.id, ResourceLimitsChange { l.cpus, l.memoryBytes, l.pids });
        QVERIFY(!changed);
    }
    QCOMPARE(o.engine->listSandboxes()->size(), 1);
    QCOMPARE(o.engine->sandbox(o.sandbox.id)->limits, o.sandbox.limits);
}

void TstResources::theCliSetsAndShowsLimits()
{
    TestDataDir data;
    const CliRun created = runCli(data.path(), { QStringLiteral("create"), QStringLiteral("cli"), QStringLiteral("--memory"),
                                                 QStringLiteral("96M"), QStringLiteral("--pids"), QStringLiteral("400") });
    QCOMPARE(created.exitCode, 0);
    const CliRun usage = runCli(data.path(), { QStringLiteral("usage"), QStringLiteral("cli"), QStringLiteral("--json") });
    QCOMPARE(usage.exitCode, 0);
    const QJsonObject u = QJsonDocument::fromJson(usage.out).object();
    QVERIFY2(u.value(QStringLiteral("known")).toBool(), usage.out.constData());
    QCOMPARE(u.value(QStringLiteral("limits")).toObject().value(QStringLiteral("memoryBytes")).toDouble(), 96.0 * (1 << 20));
    const CliRun update = runCli(data.path(), { QStringLiteral("update"), QStringLiteral("cli"), QStringLiteral("--pids"),
                                                QStringLiteral("500") });
    QCOMPARE(update.exitCode, 0);
    QVERIFY2(update.out.contains("pids 500"), update.out.constData());
    const CliRun wrong = runCli(data.path(), { QStringLiteral("update"), QStringLiteral("cli"), QStringLiteral("--memory"),
                                               QStringLiteral("lots") });
    QCOMPARE(wrong.exitCode, 2);
    QVERIFY2(wrong.err.contains("--memory wants a size"), wrong.err.constData());
    const CliRun info = runCli(data.path(), { QStringLiteral("info") });
    QCOMPARE(info.exitCode, 0);
    QVERIFY2(info.out.contains("resource mode") && info.out.contains("not covered:"), info.out.constData());
    shutDownCliEngine(data.path());
}

void TstResources::eachSecondIsKeptWithItsCost()
{
    Opened o;
    QCOMPARE(o.open({}), QString());
    const QDateTime since = QDateTime::currentDateTimeUtc().addSecs(-1);
    QTest::qWait(1500); // the sampler's first reading is its baseline
    const double spun = spinFor(*o.engine, o.sandbox.id, 2);
    QTest::qWait(1500); // the last second filed
    auto h = o.engine->usageHistory(o.sandbox.id, since);
    QVERIFY2(h, qPrintable(h ? QString() : h.error().message));
    qInfo("spun for 2 s: %.3f CPU seconds live, %.3f in the history (%lld buckets), $%.7f", spun, h->cpuSeconds,
          qint64(h->buckets.size()), h->cost());
    QCOMPARE(h->resolution, 1);
    QVERIFY2(h->buckets.size() >= 3, qPrintable(QString::number(h->buckets.size())));
    QVERIFY2(std::abs(h->cpuSeconds - spun) <= 0.1 * spun + 0.05, qPrintable(QString::number(h->cpuSeconds)));
    QVERIFY(h->memoryGibSeconds > 0);
    QCOMPARE(h->cost(), h->cpuSeconds * 0.000020 + h->memoryGibSeconds * 0.0000025);
    // A month back reads minutes, and answers all the same.
    QVERIFY(o.engine->usageHistory(o.sandbox.id, QDateTime::currentDateTimeUtc().addDays(-30)));
}

QTEST_GUILESS_MAIN(TstResources)
#include "tst_resources.moc"
