// The SQLite store on real database files: migrations, refusal of a newer
// schema, and the queries the engine relies on.
#include "store/database.h"
#include "store/process_store.h"
#include "store/sandbox_store.h"
#include "store/migrations.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace paddock;
using namespace paddock::store;

class TstStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString dbPath(const char *name) { return m_dir.filePath(QString::fromLatin1(name)); }

    static ProcessInfo process(const QString &sandboxId, const QStringList &argv)
    {
        ProcessInfo p;
        p.sandboxId = sandboxId;
        p.id = QStringLiteral("p1");
        p.argv = argv;
        p.startedAt = QDateTime::currentDateTimeUtc();
        return p;
    }

    static SandboxInfo sandbox(const QString &id, const QString &name)
    {
        SandboxInfo sb;
        sb.id = id;
        sb.name = name;
        sb.createdAt = QDateTime::currentDateTimeUtc();
        sb.baseImage = QStringLiteral("host");
        return sb;
    }

private Q_SLOTS:
    void freshDatabaseIsMigratedToTheLatestSchemaInWalMode()
    {
        auto db = Database::open(dbPath("fresh.db"));
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        QCOMPARE((*db)->schemaVersion(), int(std::size(kMigrations)));
        auto mode = (*db)->prepare("PRAGMA journal_mode");
        QVERIFY(mode && mode->step().value_or(false));
        QCOMPARE(mode->text(0), QStringLiteral("wal"));
    }

    void reopeningKeepsData()
    {
        {
            auto db = Database::open(dbPath("reopen.db"));
            QVERIFY(db);
            SandboxStore store(**db);
            QVERIFY(store.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("web"))));
        }
        auto db = Database::open(dbPath("reopen.db"));
        QVERIFY(db);
        auto all = SandboxStore(**db).all();
        QVERIFY(all);
        QCOMPARE(all->size(), 1);
        QCOMPARE(all->first().name, QStringLiteral("web"));
    }

    void newerSchemaIsRefusedWithAClearMessage()
    {
        sqlite3 *raw = nullptr;
        QCOMPARE(sqlite3_open(dbPath("future.db").toUtf8().constData(), &raw), SQLITE_OK);
        QCOMPARE(sqlite3_exec(raw, "PRAGMA user_version=999", nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(raw);
        auto db = Database::open(dbPath("future.db"));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QLatin1String("newer")), qPrintable(db.error().message));
    }

    void garbageFileIsAnErrorNotACrash()
    {
        QFile f(dbPath("garbage.db"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'x'));
        f.close();
        auto db = Database::open(dbPath("garbage.db"));
        QVERIFY(!db);
        QVERIFY(!db.error().message.isEmpty());
    }

    void lookupPrefersIdOverName()
    {
        auto db = Database::open(dbPath("lookup.db"));
        QVERIFY(db);
        SandboxStore store(**db);
        QVERIFY(store.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("first"))));
        // A second sandbox whose *name* is the first one's ID.
        QVERIFY(store.insert(sandbox(QStringLiteral("bbbb11112222"), QStringLiteral("aaaa11112222"))));
        auto found = store.byIdOrName(QStringLiteral("aaaa11112222"));
        QVERIFY(found && found->has_value());
        QCOMPARE((*found)->name, QStringLiteral("first"));
        auto missing = store.byIdOrName(QStringLiteral("nope"));
        QVERIFY(missing && !missing->has_value());
    }

    void duplicateNameIsAConflict()
    {
        auto db = Database::open(dbPath("dup.db"));
        QVERIFY(db);
        SandboxStore store(**db);
        QVERIFY(store.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("web"))));
        auto again = store.insert(sandbox(QStringLiteral("cccc11112222"), QStringLiteral("web")));
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::Conflict);
    }

    void processIdsAreSequentialPerSandbox()
    {
        auto db = Database::open(dbPath("procids.db"));
        QVERIFY(db);
        SandboxStore store(**db);
        QVERIFY(store.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("a"))));
        QVERIFY(store.insert(sandbox(QStringLiteral("bbbb11112222"), QStringLiteral("b"))));
        QCOMPARE(store.takeProcessId(QStringLiteral("aaaa11112222")).value(), QStringLiteral("p1"));
        QCOMPARE(store.takeProcessId(QStringLiteral("aaaa11112222")).value(), QStringLiteral("p2"));
        QCOMPARE(store.takeProcessId(QStringLiteral("bbbb11112222")).value(), QStringLiteral("p1"));
        QVERIFY(!store.takeProcessId(QStringLiteral("zzzz")));
    }

    void endingAProcessOnlyTouchesRunningOnes()
    {
        auto db = Database::open(dbPath("ended.db"));
        QVERIFY(db);
        SandboxStore sandboxes(**db);
        ProcessStore procs(**db);
        QVERIFY(sandboxes.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("a"))));
        ProcessInfo p = process(QStringLiteral("aaaa11112222"), { QStringLiteral("sleep"), QStringLiteral("1") });
        QVERIFY(procs.insert(p));
        QVERIFY(procs.markEnded(p.sandboxId, p.id, ProcessState::Exited, ExitStatus { 3, 0 }));
        QVERIFY(procs.markEnded(p.sandboxId, p.id, ProcessState::Killed, ExitStatus { -1, 9 }));
        auto got = procs.byIdOrName(p.sandboxId, QStringLiteral("p1"));
        QVERIFY(got && got->has_value());
        QCOMPARE((*got)->state, ProcessState::Exited);
        QCOMPARE((*got)->exit->exitCode, 3);
        QCOMPARE((*got)->argv, p.argv);
    }

    // What a restart needs: the process's directory and added environment.
    void aProcessKeepsItsDirectoryAndEnvironment()
    {
        auto db = Database::open(dbPath("cwd-env.db"));
        QVERIFY(db);
        SandboxStore sandboxes(**db);
        ProcessStore procs(**db);
        QVERIFY(sandboxes.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("a"))));
        ProcessInfo p = process(QStringLiteral("aaaa11112222"), { QStringLiteral("npm"), QStringLiteral("start") });
        p.cwd = QStringLiteral("/root/app");
        p.env = QStringList { QStringLiteral("PORT=3000"), QStringLiteral("EMPTY=") };
        QVERIFY(procs.insert(p));
        auto got = procs.byIdOrName(p.sandboxId, p.id);
        QVERIFY(got && got->has_value());
        QCOMPARE((*got)->cwd, p.cwd);
        QCOMPARE((*got)->env, p.env);
    }

    void removingASandboxRemovesItsProcesses()
    {
        auto db = Database::open(dbPath("cascade.db"));
        QVERIFY(db);
        SandboxStore sandboxes(**db);
        ProcessStore procs(**db);
        QVERIFY(sandboxes.insert(sandbox(QStringLiteral("aaaa11112222"), QStringLiteral("a"))));
        ProcessInfo p = process(QStringLiteral("aaaa11112222"), { QStringLiteral("true") });
        QVERIFY(procs.insert(p));
        QVERIFY(sandboxes.remove(p.sandboxId));
        QCOMPARE(procs.forSandbox(p.sandboxId).value().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TstStore)
#include "tst_store.moc"
