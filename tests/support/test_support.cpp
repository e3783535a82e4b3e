#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <csignal>

namespace paddock::test {

TestDataDir::TestDataDir() : m_paths(DataPaths::resolve(m_dir.path() + QStringLiteral("/data"))) { }

TestDataDir::~TestDataDir()
{
    // Sandboxes are detached by design: a test must end the ones it made.
    auto engine = Engine::open(m_paths);
    if (!engine)
        return;
    auto all = (*engine)->listSandboxes();
    for (const SandboxInfo &sb : all.value_or(QList<SandboxInfo>()))
        await<void>([&](Callback<void> done) { (*engine)->removeSandbox(sb.id, true, done); });
}

QString SandboxFixture::setUp(const QString &name)
{
    data = std::make_unique<TestDataDir>();
    auto opened = Engine::open(data->paths());
    if (!opened)
        return opened.error().message;
    engine = std::move(*opened);
    auto created = engine->createSandbox({ name });
    if (!created)
        return created.error().message;
    sandbox = *created;
    return {};
}

QByteArray fileContents(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

ExecOutput execIn(Engine &engine, const QString &sandbox, const QStringList &argv,
                  const QString &cwd, const QStringList &env, int timeoutMs)
{
    ExecOutput result;
    auto session = engine.exec(sandbox, CommandSpec { argv, cwd, env });
    if (!session) {
        result.error = session.error();
        return result;
    }
    QEventLoop loop;
    QObject::connect(*session, &ExecSession::output, &loop, [&](OutputStream s, const QByteArray &data) {
        (s == OutputStream::Stdout ? result.out : result.err) += data;
    });
    QObject::connect(*session, &ExecSession::finished, &loop, [&](ExitStatus st) {
        result.status = st;
        loop.quit();
    });
    QObject::connect(*session, &ExecSession::failed, &loop, [&](const Error &e) {
        result.error = e;
        loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return result;
}

// Alive while any of its threads is: a killed process's main thread turns
// zombie first, and its descriptors (a listening socket) stay open until the
// last thread has exited.
bool processIsAlive(qint64 pid)
{
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile stat(tasks.filePath(tid) + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray state = stat.readAll().split(')').last().trimmed().left(1);
        if (state != "Z" && state != "X")
            return true;
    }
    return false;
}

QString cliBinary() { return qEnvironmentVariable("PADDOCK_CLI"); }

CliRun runCli(const QString &dataDir, const QStringList &args, int timeoutMs, const QByteArray &input)
{
    QProcess proc;
    proc.start(cliBinary(), QStringList { QStringLiteral("--data-dir"), dataDir } + args);
    if (!input.isNull()) {
        proc.write(input);
        proc.closeWriteChannel();
    }
    CliRun run;
    if (!proc.waitForFinished(timeoutMs)) {
        proc.kill();
        proc.waitForFinished();
        run.err = "test: paddock " + args.join(QLatin1Char(' ')).toUtf8() + " timed out";
        return run;
    }
    run.exitCode = proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
    run.out = proc.readAllStandardOutput();
    run.err = proc.readAllStandardError();
    return run;
}

std::optional<EgressLogEntry> waitForEgressLog(Engine &engine, const QString &sandboxId,
                                               const std::function<bool(const EgressLogEntry &)> &pred, const QString &text)
{
    std::optional<EgressLogEntry> found;
    (void)QTest::qWaitFor([&] {
        EgressLogQuery q;
        q.sandbox = sandboxId;
        q.hostContains = text;
        for (const EgressLogEntry &e : engine.egressLog(q).value_or(QList<EgressLogEntry>()))
            if (pred(e)) {
                found = e;
                return true;
            }
        return false;
    }, 5000);
    return found;
}

void shutDownCliEngine(const QString &dataDir)
{
    CliRun ls = runCli(dataDir, { QStringLiteral("ls"), QStringLiteral("--json") });
    const QJsonArray all = QJsonDocument::fromJson(ls.out).object().value(QStringLiteral("sandboxes")).toArray();
    for (const QJsonValue &sb : all)
        runCli(dataDir, { QStringLiteral("rm"), QStringLiteral("--force"), sb.toObject().value(QStringLiteral("id")).toString() });
    QFile lock(dataDir + QStringLiteral("/engine.lock"));
    if (lock.open(QIODevice::ReadOnly)) {
        qint64 pid = lock.readAll().trimmed().toLongLong();
        if (pid > 0 && ::kill(pid_t(pid), SIGTERM) == 0)
            (void)QTest::qWaitFor([pid] { return !processIsAlive(pid); }, 10000);
    }
}

EgressCounts egressNow(Engine &engine, const QString &sandboxId)
{
    auto vitals = await<SandboxVitals>([&](Callback<SandboxVitals> done) { engine.sandboxVitals(sandboxId, done); }, 20000);
    return vitals ? vitals->egress : EgressCounts {};
}

} // namespace paddock::test
