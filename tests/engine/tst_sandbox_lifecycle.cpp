// Creating, stopping, starting, removing sandboxes; what survives a stop
// and an engine restart; refusing to run when isolation cannot be built.
#include "test_support.h"

#include "store/database.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

using namespace paddock;
using namespace paddock::test;

class TstSandboxLifecycle : public QObject {
    Q_OBJECT

    static std::unique_ptr<Engine> openEngine(const TestDataDir &data)
    {
        auto engine = Engine::open(data.paths());
        if (!engine)
            qWarning() << engine.error().message;
        return engine ? std::move(*engine) : nullptr;
    }

    // A sandbox created by an engine that then closes, as a quitting app
    // leaves it: running, for the next engine to adopt. Empty on failure.
    static SandboxInfo createAndQuit(TestDataDir &data, const QString &name)
    {
        auto engine = openEngine(data);
        auto sb = engine ? engine->createSandbox({ name }) : Result<SandboxInfo>(tl::unexpected(Error {}));
        if (!sb)
            qWarning() << "cannot create" << name << (engine ? sb.error().message : QString());
        return sb ? *sb : SandboxInfo {};
    }

    // The pid a process has in its innermost pid namespace ("1" for PID 1).
    static QByteArray innermostPid(qint64 pid)
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(pid));
        if (!status.open(QIODevice::ReadOnly))
            return {};
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("NSpid:"))
                return line.simplified().split(' ').last();
        return {};
    }

    static Result<SandboxInfo> stop(Engine &e, const QString &key)
    {
        return await<SandboxInfo>([&](Callback<SandboxInfo> done) { e.stopSandbox(key, done); });
    }

private Q_SLOTS:
    void createdSandboxRunsWithADnsSafeStableId()
    {
        TestDataDir data;
        auto engine = openEngine(data);
        QVERIFY(engine);
        auto sb = engine->createSandbox({});
        QVERIFY2(sb, qPrintable(sb ? QString() : sb.error().message));
        QVERIFY(QRegularExpression(QStringLiteral("^[a-z][a-z0-9]{11}$")).match(sb->id).hasMatch());
        QCOMPARE(sb->name, sb->id);
        QCOMPARE(sb->state, SandboxState::Running);
        QVERIFY(sb->initPid > 0);
        QVERIFY(QDir(sb->dataDir).exists());
    }

    void namesAreValidatedAndUnique()
    {
        TestDataDir data;
        auto engine = openEngine(data);
        QVERIFY(engine);
        for (const char *bad : { "Web", "-web", "web-", "a b", "../x", "" }) {
            if (!*bad)
                continue;
            auto r = engine->createSandbox({ QString::fromLatin1(bad) });
            QVERIFY2(!r, bad);
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        }
        QVERIFY(engine->createSandbox({ QStringLiteral("web") }));
        auto dup = engine->createSandbox({ QStringLiteral("web") });
        QVERIFY(!dup);
        QCOMPARE(dup.error().code, ErrorCode::Conflict);
        QCOMPARE(engine->listSandboxes()->size(), 1);
    }

    void filesSurviveStopAndStart()
    {
        TestDataDir data;
        auto engine = openEngine(data);
        QVERIFY(engine);
        QVERIFY(engine->createSandbox({ QStringLiteral("keep") }));
        QCOMPARE(execIn(*engine, QStringLiteral("keep"), { QStringLiteral("sh"), QStringLiteral("-c"),
                                                           QStringLiteral("echo kept > /root/file; echo tmp > /tmp/gone") }).shellStatus(), 0);
        auto stopped = stop(*engine, QStringLiteral("keep"));
        QVERIFY(stopped);
        QCOMPARE(stopped->state, SandboxState::Stopped);
        ExecOutput refused = execIn(*engine, QStringLiteral("keep"), { QStringLiteral("true") });
        QVERIFY(refused.error);
        QCOMPARE(refused.error->code, ErrorCode::NotRunning);
        QVERIFY(engine->startSandbox(QStringLiteral("keep")));
        ExecOutput r = execIn(*engine, QStringLiteral("keep"), { QStringLiteral("sh"), QStringLiteral("-c"),
                                                                 QStringLiteral("cat /root/file; test -e /tmp/gone || echo tmp-is-fresh") });
        QCOMPARE(r.out, QByteArray("kept\ntmp-is-fresh\n"));
    }

    void sandboxesAndFilesSurviveAnEngineRestart()
    {
        TestDataDir data;
        QString id;
        {
            auto engine = openEngine(data);
            QVERIFY(engine);
            auto sb = engine->createSandbox({ QStringLiteral("persist") });
            QVERIFY(sb);
            id = sb->id;
            QCOMPARE(execIn(*engine, id, { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo 1 > /root/a") }).shellStatus(), 0);
        }
        auto engine = openEngine(data);
        QVERIFY(engine);
        auto all = engine->listSandboxes();
        QVERIFY(all);
        QCOMPARE(all->size(), 1);
        QCOMPARE(all->first().id, id);
        QCOMPARE(all->first().state, SandboxState::Running); // re-attached, never restarted
        QCOMPARE(execIn(*engine, id, { QStringLiteral("cat"), QStringLiteral("/root/a") }).out, QByteArray("1\n"));
    }

    // The engine signals PID 1 and reads its /proc: after a restart it must
    // know PID 1's real pid, from the kernel, not a launcher step's.
    void anAdoptedSandboxKnowsItsRealPid1()
    {
        TestDataDir data;
        const SandboxInfo sb = createAndQuit(data, QStringLiteral("adopted"));
        QVERIFY(!sb.id.isEmpty());
        const QString id = sb.id;
        const qint64 launchedPid = sb.initPid;
        QCOMPARE(innermostPid(launchedPid), QByteArray("1"));
        auto engine = openEngine(data);
        QVERIFY(engine);
        QCOMPARE(engine->sandbox(id)->initPid, launchedPid);
        QVERIFY(stop(*engine, id));
        QVERIFY(QTest::qWaitFor([&] { return !processIsAlive(launchedPid); }, kWaitMs));
    }

    // A recorded pid that the kernel does not confirm (a database from an
    // older Paddock, or tampered with) is never signalled: the sandbox is
    // adopted, its PID 1 unproven, and an unrelated process of the same
    // user that holds that pid lives on.
    void anUnconfirmedPidIsNeverSignalled()
    {
        TestDataDir data;
        const SandboxInfo sb = createAndQuit(data, QStringLiteral("stale"));
        QVERIFY(!sb.id.isEmpty());
        const QString id = sb.id;
        const qint64 initPid = sb.initPid;
        QProcess bystander;
        bystander.start(QStringLiteral("sleep"), { QStringLiteral("60") });
        QVERIFY(bystander.waitForStarted());
        {
            auto db = store::Database::open(data.paths().database());
            QVERIFY(db);
            QVERIFY((*db)->run("UPDATE sandboxes SET init_pid = ?1 WHERE id = ?2", bystander.processId(), id));
        }
        auto engine = openEngine(data);
        QVERIFY(engine);
        QCOMPARE(engine->sandbox(id)->state, SandboxState::Running);
        QCOMPARE(engine->sandbox(id)->initPid, 0); // unproven: nothing to signal or read
        QCOMPARE(execIn(*engine, id, { QStringLiteral("true") }).shellStatus(), 0);
        QVERIFY(stop(*engine, id));
        QVERIFY(QTest::qWaitFor([&] { return !processIsAlive(initPid); }, kWaitMs));
        QCOMPARE(bystander.state(), QProcess::Running);
        bystander.kill();
        bystander.waitForFinished();
    }

    void secondEngineOnTheSameDataDirIsRefused()
    {
        TestDataDir data;
        auto first = openEngine(data);
        QVERIFY(first);
        auto second = Engine::open(data.paths());
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::Conflict);
        QVERIFY(second.error().message.contains(QLatin1String("another Paddock engine")));
    }

    void sandboxWhoseInitDiedIsStoppedAfterRestart()
    {
        TestDataDir data;
        QString id;
        qint64 initPid = 0;
        {
            auto engine = openEngine(data);
            QVERIFY(engine);
            auto sb = engine->createSandbox({});
            QVERIFY(sb);
            id = sb->id;
            initPid = sb->initPid;
        }
        QCOMPARE(::kill(pid_t(initPid), SIGKILL), 0);
        QVERIFY(QTest::qWaitFor([&] { return !processIsAlive(initPid); }, kWaitMs));
        auto engine = openEngine(data);
        QVERIFY(engine);
        QCOMPARE(engine->sandbox(id)->state, SandboxState::Stopped);
        QVERIFY(engine->startSandbox(id)); // and it can be started again
        QCOMPARE(execIn(*engine, id, { QStringLiteral("true") }).shellStatus(), 0);
    }

    void removingARunningSandboxNeedsForce()
    {
        TestDataDir data;
        auto engine = openEngine(data);
        QVERIFY(engine);
        auto sb = engine->createSandbox({ QStringLiteral("gone") });
        QVERIFY(sb);
        auto refused = await<void>([&](Callback<void> done) { engine->removeSandbox(QStringLiteral("gone"), false, done); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Conflict);
        // A directory without permissions must not stop the removal half-way.
        execIn(*engine, sb->id, { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("mkdir -p /root/locked/x && chmod 000 /root/locked") });
        auto removed = await<void>([&](Callback<void> done) { engine->removeSandbox(QStringLiteral("gone"), true, done); });
        QVERIFY2(removed, qPrintable(removed ? QString() : removed.error().message));
        QVERIFY(!QDir(sb->dataDir).exists());
        QCOMPARE(engine->listSandboxes()->size(), 0);
        QVERIFY(!processIsAlive(sb->initPid));
    }

    void failsClosedWhenTheSandboxCannotBeBuilt()
    {
        // A private image cache, so breaking it touches no other test.
        QTemporaryDir cache;
        qputenv("PADDOCK_CACHE_DIR", cache.path().toUtf8());
        TestDataDir data;
        qunsetenv("PADDOCK_CACHE_DIR");
        auto engine = openEngine(data);
        QVERIFY(engine);
        QVERIFY(engine->createSandbox({ QStringLiteral("first") }));
        // Break the base image: the /usr overlay's lower layer disappears.
        const QStringList images = QDir(data.paths().imagesDir()).entryList({ QStringLiteral("host-v2-*") }, QDir::Dirs);
        QCOMPARE(images.size(), 1);
        const QString skeleton = data.paths().imagesDir() + u'/' + images.first() + QStringLiteral("/usr-skeleton");
        QVERIFY(QDir().rename(skeleton, skeleton + QStringLiteral(".away")));
        auto sb = engine->createSandbox({ QStringLiteral("broken") });
        QDir().rename(skeleton + QStringLiteral(".away"), skeleton);
        QVERIFY(!sb);
        QCOMPARE(sb.error().code, ErrorCode::IsolationUnavailable);
        QVERIFY2(sb.error().message.contains(QLatin1String("mount overlay on /usr")), qPrintable(sb.error().message));
        QVERIFY(sb.error().message.contains(QLatin1String("'broken'")));
        QCOMPARE(engine->listSandboxes()->size(), 1);
        QVERIFY(!QDir(data.paths().sandboxesDir()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).contains(QStringLiteral("broken")));
    }
};

QTEST_GUILESS_MAIN(TstSandboxLifecycle)
#include "tst_sandbox_lifecycle.moc"
