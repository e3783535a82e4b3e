// One window per data dir: the SingleInstance class driven in-process (two
// instances on one socket, a crash's stale socket, a directory others can
// reach), and the real paddock-desktop launched twice, the second raising
// the first and exiting 0 at once.
#include "single_instance.h"

#include "paddock/data_paths.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <thread>

using namespace paddock;
using namespace paddock::desktop;

namespace {

constexpr int kWaitMs = 30000;

// A later launch, on its own thread: its claim blocks until the first
// instance (on this thread's event loop) answers.
std::optional<Result<SingleInstance::Role>> claimElsewhere(const QString &path)
{
    std::optional<Result<SingleInstance::Role>> out;
    std::atomic<bool> done = false;
    std::thread launch([&] {
        SingleInstance later(path);
        out = later.claim();
        done = true;
    });
    bool finished = QTest::qWaitFor([&] { return done.load(); }, kWaitMs);
    launch.join();
    return finished ? out : std::nullopt;
}

} // namespace

class TstWindowSingleInstance : public QObject {
    Q_OBJECT

    QString socketIn(const QTemporaryDir &dir)
    {
        return dir.path() + QStringLiteral("/desktop.sock");
    }

private Q_SLOTS:
    void secondInstanceRaisesTheFirst()
    {
        QTemporaryDir dir; // 0700, ours
        SingleInstance first(socketIn(dir));
        QSignalSpy raised(&first, &SingleInstance::raiseRequested);
        auto role = first.claim();
        QVERIFY2(role, qPrintable(role ? QString() : role.error().message));
        QCOMPARE(*role, SingleInstance::Role::Primary);
        auto second = claimElsewhere(socketIn(dir));
        QVERIFY(second && *second);
        QCOMPARE(**second, SingleInstance::Role::Secondary);
        QTRY_COMPARE(raised.count(), 1);
    }

    void staleSocketFromACrashIsReplaced()
    {
        QTemporaryDir dir;
        // What a crashed instance leaves: a socket file nobody listens on.
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr {};
        addr.sun_family = AF_UNIX;
        const QByteArray path = QFile::encodeName(socketIn(dir));
        qstrncpy(addr.sun_path, path.constData(), sizeof addr.sun_path);
        QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        ::close(fd);
        QVERIFY(QFileInfo::exists(socketIn(dir)));
        SingleInstance first(socketIn(dir));
        auto role = first.claim();
        QVERIFY2(role, qPrintable(role ? QString() : role.error().message));
        QCOMPARE(*role, SingleInstance::Role::Primary);
        auto second = claimElsewhere(socketIn(dir));
        QVERIFY(second && *second && **second == SingleInstance::Role::Secondary);
    }

    void directoryOthersCanReachIsRefused()
    {
        QTemporaryDir dir;
        QVERIFY(::chmod(QFile::encodeName(dir.path()).constData(), 0777) == 0);
        SingleInstance first(socketIn(dir));
        auto role = first.claim();
        QVERIFY2(!role, "listened in a directory every user can write");
        QVERIFY(!QFileInfo::exists(socketIn(dir)));
    }

    void secondLaunchOfTheAppExitsAndLeavesTheFirst()
    {
        QTemporaryDir data, runtime;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        if (::getuid() == 0)
            env.insert(QStringLiteral("QTWEBENGINE_DISABLE_SANDBOX"), QStringLiteral("1"));
        qputenv("XDG_RUNTIME_DIR",
            runtime.path().toLocal8Bit()); // so DataPaths here agrees with the app
        const DataPaths paths = DataPaths::resolve(data.path());
        const QString socket = SingleInstance::socketPathFor(paths);
        QVERIFY(socket.startsWith(runtime.path()));
        // $PADDOCK_DESKTOP_BIN runs another build (an older one, to show how it failed).
        const QString desktop
            = qEnvironmentVariable("PADDOCK_DESKTOP_BIN", QStringLiteral(PADDOCK_DESKTOP_BIN));
        const QStringList args { QStringLiteral("--data-dir"), data.path() };

        QProcess first;
        first.setProcessEnvironment(env);
        first.setProcessChannelMode(QProcess::ForwardedChannels);
        first.start(desktop, args);
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(paths.apiSocket()), kWaitMs); // its engine is up

        QProcess second;
        second.setProcessEnvironment(env);
        second.setProcessChannelMode(QProcess::ForwardedChannels);
        QElapsedTimer took;
        took.start();
        second.start(desktop, args);
        QVERIFY2(second.waitForFinished(kWaitMs), "the second launch did not exit");
        qInfo("second launch exited %d after %lld ms", second.exitCode(), took.elapsed());
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        QVERIFY2(took.elapsed() < 10000, "the second launch took more than 10 s to give way");
        QVERIFY2(first.state() == QProcess::Running, "the first window went away");
        QVERIFY(QFileInfo::exists(socket));
        first.terminate();
        QVERIFY(first.waitForFinished(kWaitMs));
    }
};

QTEST_MAIN(TstWindowSingleInstance)
#include "tst_window_single_instance.moc"
