// The engine's environment and the host's paths stay out of the sandbox.
//
// The engine (in this process, and the CLI's headless one) runs with a
// canary variable in its environment, as a user's shell holds API keys.
// Every file verb (stat, list, read, download, watch; `files cat|ls|stat`,
// `cp`) is tried on every path that led to the files helper's own /proc
// entries — /proc/self, /proc/thread-self, /proc/<the helper's pid>, a
// sandbox-made symlink to each, `..` through them — and every workload
// reads every /proc/*/environ it can: the canary must appear nowhere.
#include "hostile_probe.h"

#include "sandbox/host_etc_files.h"

#include "paddock/file_download.h"
#include "paddock/file_watch.h"

#include <QDir>
#include <QSignalSpy>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <pwd.h>
#include <unistd.h>

using namespace paddock;
using namespace paddock::test;

namespace {

const QByteArray kCanary = "pdk-canary-" + QUuid::createUuid().toString(QUuid::Id128).toLatin1();

// Links the workload makes to each way into the helper's /proc entries.
const char *const kLinks = "ln -sfn /proc/self/environ /root/l-self; ln -sfn /proc/thread-self/environ /root/l-thread; "
                           "ln -sfn /proc/self /root/l-dir; ln -sfn ../proc/self/task/../environ /root/l-dots; "
                           "ln -sfn /proc/1/environ /root/l-init";

// Paths in the helper's own /proc: every verb must refuse them.
const char *const kSelfPaths[] = { "/proc/self/environ", "/proc/thread-self/environ", "/proc/self/task/../environ",
                                   "/root/l-dir/environ", "/proc/self/mem", "/proc/self/maps" };

// Links to them: stat describes the link itself; reading must refuse.
const char *const kSelfLinks[] = { "/root/l-self", "/root/l-thread", "/root/l-dots" };

} // namespace

class TstHostileSecrets : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    QTemporaryDir m_cliDir;

    QString dataDirForCli() const { return m_cliDir.path() + QStringLiteral("/data"); }

    // Whatever came back, data or error text, must not hold the canary.
    static void verifyNoCanary(const QByteArray &what, const char *where)
    {
        QVERIFY2(!what.contains(kCanary), qPrintable(QStringLiteral("the engine's environment leaked through %1").arg(QLatin1String(where))));
    }

    Result<QByteArray> read(const QString &path)
    {
        QByteArray content;
        auto r = await<qint64>([&](Callback<qint64> done) {
            m_fx.engine->readFile(m_fx.sandbox.id, path, [&](const QByteArray &chunk) { content += chunk; }, done);
        });
        if (!r)
            return tl::unexpected(r.error());
        return content;
    }

    // Every verb on `path`: none may succeed in showing content, and each
    // refusal must come from the own-/proc check (not from luck).
    void verifyEveryVerbRefuses(const QString &path)
    {
        auto content = read(path);
        verifyNoCanary(content ? *content : content.error().message.toUtf8(), "readFile");
        QVERIFY2(!content, qPrintable(path + QStringLiteral(" was read")));
        QVERIFY2(content.error().message.contains(QLatin1String("own /proc entries")), qPrintable(content.error().message));
        auto st = await<FileInfo>([&](Callback<FileInfo> done) { m_fx.engine->statFile(m_fx.sandbox.id, path, done); });
        QVERIFY2(!st, qPrintable(path + QStringLiteral(" was described")));
        QVERIFY2(st.error().message.contains(QLatin1String("own /proc entries")), qPrintable(st.error().message));
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("PADDOCK_CANARY", kCanary); // for this engine, the CLI and its headless engine
        const QString failed = m_fx.setUp(QStringLiteral("secrets"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QCOMPARE(attack(m_fx, QString::fromLatin1(kLinks)).shellStatus(), 0);
        QVERIFY(m_cliDir.isValid());
        CliRun made = runCli(dataDirForCli(), { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("c") });
        QVERIFY2(made.exitCode == 0, made.err.constData());
        CliRun links = runCli(dataDirForCli(), { QStringLiteral("exec"), QStringLiteral("c"), QStringLiteral("--"),
                                                 QStringLiteral("sh"), QStringLiteral("-c"), QString::fromLatin1(kLinks) });
        QVERIFY2(links.exitCode == 0, links.err.constData());
    }

    void cleanupTestCase()
    {
        shutDownCliEngine(dataDirForCli());
        m_fx.tearDown();
    }

    void everyVerbRefusesTheHelpersOwnProcEntries()
    {
        for (const char *path : kSelfPaths)
            verifyEveryVerbRefuses(QString::fromLatin1(path));
        for (const char *link : kSelfLinks) {
            auto content = read(QString::fromLatin1(link));
            verifyNoCanary(content ? *content : content.error().message.toUtf8(), "readFile of a link");
            QVERIFY2(!content && content.error().message.contains(QLatin1String("own /proc entries")),
                     content ? link : qPrintable(content.error().message));
        }
        for (const char *dir : { "/proc/self", "/proc/thread-self", "/root/l-dir", "/proc/self/fd" }) {
            auto listed = await<QList<FileInfo>>([&](Callback<QList<FileInfo>> done) {
                m_fx.engine->listFiles(m_fx.sandbox.id, QString::fromLatin1(dir), done);
            });
            QVERIFY2(!listed && listed.error().message.contains(QLatin1String("own /proc entries")),
                     listed ? dir : qPrintable(listed.error().message));
        }
    }

    void theDownloadStreamRefusesThemToo()
    {
        for (const char *path : { "/proc/self/environ", "/root/l-self", "/root/l-dir/environ" }) {
            auto download = m_fx.engine->openDownload(m_fx.sandbox.id, QString::fromLatin1(path));
            QVERIFY(download);
            QByteArray got;
            std::optional<Error> failed;
            bool finished = false;
            connect(*download, &FileDownload::data, this, [&](const QByteArray &b) { got += b; });
            connect(*download, &FileDownload::finished, this, [&] { finished = true; });
            connect(*download, &FileDownload::failed, this, [&](const Error &e) { failed = e; });
            QVERIFY(QTest::qWaitFor([&] { return finished || failed; }, kWaitMs));
            delete *download;
            verifyNoCanary(got, "openDownload");
            QVERIFY2(failed && failed->message.contains(QLatin1String("own /proc entries")), path);
        }
    }

    void aWatchOfTheHelpersProcIsRefused()
    {
        for (std::optional<quint64> since : { std::optional<quint64>(), std::optional<quint64>(0) }) {
            auto watch = m_fx.engine->watchFiles(m_fx.sandbox.id, QStringLiteral("/root/l-dir"), {}, since);
            std::optional<Error> failed;
            if (!watch) {
                failed = watch.error();
            } else {
                connect(*watch, &FileWatch::failed, this, [&](const Error &e) { failed = e; });
                QVERIFY(QTest::qWaitFor([&] { return failed.has_value(); }, kWaitMs));
                delete *watch;
            }
            QVERIFY2(failed->message.contains(QLatin1String("own /proc entries")), qPrintable(failed->message));
        }
    }

    // The pid of the helper that serves a request is found from inside:
    // the shared one by /proc/self's target, a download's own as the next
    // pid the sandbox hands out.
    void theHelpersPidDirectoryIsRefusedByNumber()
    {
        auto self = await<FileInfo>([&](Callback<FileInfo> done) { m_fx.engine->statFile(m_fx.sandbox.id, QStringLiteral("/proc/self"), done); });
        QVERIFY(self && self->linkTarget.toInt() > 1);
        // The shared helper answers stat and list: its own entries, refused.
        const QString shared = QStringLiteral("/proc/%1/environ").arg(self->linkTarget);
        auto st = await<FileInfo>([&](Callback<FileInfo> done) { m_fx.engine->statFile(m_fx.sandbox.id, shared, done); });
        QVERIFY2(!st && st.error().message.contains(QLatin1String("own /proc entries")), st ? "described" : qPrintable(st.error().message));
        // A download's helper is another process, which may not read it.
        auto content = read(shared);
        verifyNoCanary(content ? *content : content.error().message.toUtf8(), "another helper's environ");
        QVERIFY(!content);
        // Nor does a listing of /proc show it: it is not the sandbox's.
        auto procs = await<QList<FileInfo>>([&](Callback<QList<FileInfo>> done) { m_fx.engine->listFiles(m_fx.sandbox.id, QStringLiteral("/proc"), done); });
        QVERIFY2(procs && procs->size() > 10, procs ? "few entries" : qPrintable(procs.error().message));
        for (const FileInfo &entry : *procs)
            QVERIFY2(entry.name != self->linkTarget, "a listing of /proc shows the helper itself");
        bool hitOwnPid = false;
        for (int attempt = 0; attempt < 5 && !hitOwnPid; ++attempt) {
            // sh is $$, ln the next; the download's helper the one after.
            ExecOutput r = attack(m_fx, QStringLiteral("ln -sfn /proc/$(($$ + 2))/environ /root/l-next"));
            QCOMPARE(r.shellStatus(), 0);
            auto content = read(QStringLiteral("/root/l-next"));
            verifyNoCanary(content ? *content : content.error().message.toUtf8(), "a link to the next pid");
            hitOwnPid = !content && content.error().message.contains(QLatin1String("own /proc entries"));
        }
        QVERIFY2(hitOwnPid, "no attempt reached the download helper's own pid");
    }

    // Each entry of /proc is examined (is it the helper?) and processes
    // exit meanwhile: an entry gone since readdir is skipped, and its error
    // must not become the listing's.
    void aListingOfProcSurvivesProcessesComingAndGoing()
    {
        auto churn = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id, CommandSpec { { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("while :; do /bin/true; done") } },
                               QStringLiteral("churn"), done);
        });
        QVERIFY(churn);
        for (int i = 0; i < 200; ++i) {
            auto procs = await<QList<FileInfo>>([&](Callback<QList<FileInfo>> done) { m_fx.engine->listFiles(m_fx.sandbox.id, QStringLiteral("/proc"), done); });
            QVERIFY2(procs, qPrintable(QStringLiteral("listing %1: %2").arg(i).arg(procs ? QString() : procs.error().message)));
        }
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->kill(m_fx.sandbox.id, churn->id, 9, done); }));
    }

    void helpersAreNotDumpableSoWorkloadsCannotReadThem()
    {
        // Keep a watch's helper alive beside the shared one.
        auto watch = m_fx.engine->watchFiles(m_fx.sandbox.id, QStringLiteral("/tmp"), {});
        QVERIFY(watch);
        QSignalSpy ready(*watch, &FileWatch::ready);
        QVERIFY(ready.wait(kWaitMs));
        ExecOutput r = attack(m_fx, QStringLiteral(
            "for p in /proc/[0-9]*; do n=${p#/proc/}; [ $n = 1 ] && continue; "
            "[ \"$(head -c 12 $p/cmdline 2>/dev/null)\" = paddock-init ] || continue; echo helper $n $(stat -c %u $p/environ); "
            "cat $p/environ $p/task/*/environ 2>/dev/null; done"));
        delete *watch;
        verifyNoCanary(r.out + r.err, "a workload reading a helper's /proc");
        QList<QByteArray> helpers = r.out.split('\n');
        helpers.removeIf([](const QByteArray &l) { return !l.startsWith("helper "); });
        QVERIFY2(helpers.size() >= 2, r.out.constData());
        // A non-dumpable process's /proc files belong to the host's root:
        // unmapped, nobody (65534), unless the user is root itself.
        if (::getuid() == 0)
            QSKIP("as root, the host's root is the sandbox's: dumpable or not, the owner is 0");
        for (const QByteArray &line : helpers)
            QVERIFY2(line.endsWith(" 65534"), line.constData());
    }

    void workloadsSeeNoEngineEnvironment()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("env; cat /proc/self/environ /proc/1/environ /proc/[0-9]*/environ "
                                                   "/proc/[0-9]*/task/*/environ /proc/[0-9]*/cmdline 2>&1; cat /etc/environment"));
        verifyNoCanary(r.out + r.err, "a workload's environment or /proc");
        QVERIFY(r.out.contains("PATH=")); // the environment the engine built is there
        const QByteArray sandboxEnv = attack(m_fx, QStringLiteral("env")).out;
        QVERIFY2(!sandboxEnv.contains("PADDOCK"), sandboxEnv.constData());
    }

    // Seen from the host: PID 1 of `sb` and its helpers hold nothing but
    // NULs where their environment was. Root may read any process's
    // environ; an ordinary user none of these (they are not dumpable).
    void verifyInitEnvironmentsWiped(const SandboxInfo &sb)
    {
        auto watch = m_fx.engine->watchFiles(sb.id, QStringLiteral("/tmp"), {}); // a helper
        QVERIFY(watch);
        QSignalSpy ready(*watch, &FileWatch::ready);
        QVERIFY(ready.wait(kWaitMs));
        QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(sb.initPid));
        QVERIFY(children.open(QIODevice::ReadOnly));
        QList<QByteArray> pids = children.readAll().trimmed().split(' ');
        pids.prepend(QByteArray::number(sb.initPid));
        int checked = 0;
        for (const QByteArray &pid : pids) {
            QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(QLatin1String(pid)));
            if (!cmdline.open(QIODevice::ReadOnly) || !cmdline.readAll().startsWith("paddock-init"))
                continue;
            QFile environ(QStringLiteral("/proc/%1/environ").arg(QLatin1String(pid)));
            if (!environ.open(QIODevice::ReadOnly))
                continue;
            const QByteArray env = environ.readAll();
            verifyNoCanary(env, "paddock-init's /proc/PID/environ on the host");
            QVERIFY2(env.count('\0') == env.size(), env.constData());
            ++checked;
        }
        delete *watch;
        if (checked == 0)
            QSKIP("paddock-init's environ is not readable by this user (expected unless root)");
        QVERIFY(checked >= 2);
    }

    void initsOwnEnvironmentIsEmpty() { verifyInitEnvironmentsWiped(m_fx.sandbox); }

    // What the engine hands paddock-init, seen by a wrapper in its place.
    void theEngineStartsInitWithNoEnvironment()
    {
        QTemporaryDir dir;
        const QString realInit = qEnvironmentVariable("PADDOCK_INIT_BIN");
        const QString seen = dir.filePath(QStringLiteral("env"));
        QFile wrapper(dir.filePath(QStringLiteral("paddock-init")));
        QVERIFY(wrapper.open(QIODevice::WriteOnly));
        wrapper.write("#!/bin/sh\n/usr/bin/env > '" + seen.toUtf8() + "'\nexec '" + realInit.toUtf8() + "' \"$@\"\n");
        wrapper.close();
        wrapper.setPermissions(QFile::ReadOwner | QFile::ExeOwner);
        qputenv("PADDOCK_INIT_BIN", wrapper.fileName().toUtf8());
        auto created = m_fx.engine->createSandbox({ QStringLiteral("wrapped") });
        qputenv("PADDOCK_INIT_BIN", realInit.toUtf8());
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        QFile env(seen);
        QVERIFY(env.open(QIODevice::ReadOnly));
        const QByteArray vars = env.readAll();
        verifyNoCanary(vars, "paddock-init's start");
        QVERIFY2(!vars.contains("HOME=") && !vars.contains("USER="), vars.constData()); // only what sh sets itself
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->removeSandbox(created->id, true, done); }));
    }

    // As an older engine (or a start by hand) would: paddock-init run with
    // the canary in its environment wipes it before anything can see it.
    void anInheritedEnvironmentIsWiped()
    {
        QTemporaryDir dir;
        const QString realInit = qEnvironmentVariable("PADDOCK_INIT_BIN");
        QFile wrapper(dir.filePath(QStringLiteral("paddock-init")));
        QVERIFY(wrapper.open(QIODevice::WriteOnly));
        wrapper.write("#!/bin/sh\nPADDOCK_CANARY=" + kCanary + " exec '" + realInit.toUtf8() + "' \"$@\"\n");
        wrapper.close();
        wrapper.setPermissions(QFile::ReadOwner | QFile::ExeOwner);
        qputenv("PADDOCK_INIT_BIN", wrapper.fileName().toUtf8());
        auto created = m_fx.engine->createSandbox({ QStringLiteral("by-hand") });
        qputenv("PADDOCK_INIT_BIN", realInit.toUtf8());
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        verifyInitEnvironmentsWiped(*created);
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->removeSandbox(created->id, true, done); }));
    }

    void theCliAndItsHeadlessEngineLeakNothing()
    {
        const QString host = m_cliDir.path() + QStringLiteral("/copied");
        const QList<QStringList> runs = {
            { QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("c"), QStringLiteral("/proc/self/environ") },
            { QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("c"), QStringLiteral("/proc/thread-self/environ") },
            { QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("c"), QStringLiteral("/root/l-self") },
            { QStringLiteral("files"), QStringLiteral("cat"), QStringLiteral("c"), QStringLiteral("/root/l-dots") },
            { QStringLiteral("files"), QStringLiteral("stat"), QStringLiteral("c"), QStringLiteral("/root/l-dir/environ") },
            { QStringLiteral("files"), QStringLiteral("ls"), QStringLiteral("c"), QStringLiteral("/root/l-dir") },
            { QStringLiteral("cp"), QStringLiteral("c:/proc/self/environ"), host },
            { QStringLiteral("cp"), QStringLiteral("c:/root/l-thread"), host },
        };
        for (const QStringList &args : runs) {
            CliRun r = runCli(dataDirForCli(), args);
            verifyNoCanary(r.out + r.err, qPrintable(args.join(u' ')));
            QVERIFY2(r.exitCode == 1 && r.err.contains("own /proc entries"), qPrintable(args.join(u' ') + QStringLiteral(": ") + QString::fromUtf8(r.err)));
            QFile copied(host);
            QVERIFY2(!copied.exists(), "cp wrote a host file from a refused read");
        }
        CliRun self = runCli(dataDirForCli(), { QStringLiteral("files"), QStringLiteral("stat"), QStringLiteral("c"), QStringLiteral("/proc/self"), QStringLiteral("--json") });
        const QByteArray pid = QJsonDocument::fromJson(self.out).object().value(QStringLiteral("target")).toString().toLatin1();
        QVERIFY2(pid.toInt() > 1, self.out.constData());
        CliRun byPid = runCli(dataDirForCli(), { QStringLiteral("files"), QStringLiteral("stat"), QStringLiteral("c"), QStringLiteral("/proc/%1/environ").arg(QLatin1String(pid)) });
        QVERIFY2(byPid.exitCode == 1 && byPid.err.contains("own /proc entries"), byPid.err.constData());
        CliRun env = runCli(dataDirForCli(), { QStringLiteral("exec"), QStringLiteral("c"), QStringLiteral("--"), QStringLiteral("sh"), QStringLiteral("-c"),
                                               QStringLiteral("env; cat /proc/[0-9]*/environ /proc/1/environ 2>&1") });
        verifyNoCanary(env.out + env.err, "a workload of the CLI's headless engine");
    }

    // /etc/environment is data only (often proxy URLs with credentials)
    // that no program inside reads: the image has Paddock's, empty.
    void etcEnvironmentIsNotTheHosts()
    {
        for (const char *entry : sandbox::kHostEtcEntries)
            QVERIFY2(QByteArray(entry) != "environment", "the host's /etc/environment is copied into sandboxes");
        ExecOutput r = attack(m_fx, QStringLiteral("wc -c < /etc/environment"));
        QCOMPARE(r.out.trimmed(), QByteArray("0"));
    }

    // Overlay options name the layers; the host's paths must not be there.
    void mountTablesShowNoHostPaths()
    {
        const DataPaths paths = m_fx.data->paths();
        QStringList secrets = { paths.dataDir(), paths.cacheDir() };
        const QString home = QDir::homePath();
        if (home != QLatin1String("/"))
            secrets << home + u'/';
        const passwd *me = ::getpwuid(::getuid());
        if (me && QByteArray(me->pw_name) != "root") // "root" is also the sandbox's user and /root
            secrets << QString::fromLocal8Bit(me->pw_name);
        ExecOutput r = attack(m_fx, QStringLiteral("cat /proc/self/mountinfo /proc/mounts /proc/1/mountinfo /proc/1/mounts "
                                                   "/proc/self/mountstats /proc/net/unix /proc/1/cmdline /proc/self/cgroup 2>&1"));
        QVERIFY2(r.out.contains(" / "), r.out.constData());
        for (const QString &secret : secrets)
            QVERIFY2(!r.out.contains(secret.toUtf8()), qPrintable(QStringLiteral("the sandbox sees %1:\n%2").arg(secret, QString::fromUtf8(r.out))));
        QVERIFY2(r.out.contains("lowerdir=/proc/self/fd/"), r.out.constData());
    }
};

QTEST_GUILESS_MAIN(TstHostileSecrets)
#include "tst_hostile_secrets.moc"
