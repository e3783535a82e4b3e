// A held connection as a desktop notification, for a person looking at
// another window: on a private session bus with a stand-in for the desktop's
// notification service (org.freedesktop.Notifications), a connection from a
// real sandbox raises one, its action answers the question, and a question
// answered in the window withdraws it.
#include "test_support.h"
#include "upstream_servers.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "egress/egress_desktop_notifier.h"
#include "egress/egress_question_bar.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QProcess>
#include <QPushButton>

#include <csignal>
#include <cstdio>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

namespace {

pid_t g_busPid = 0;

// Before QApplication: a session bus of this test's own, so no desktop's
// notification service is touched and CI (which has none) runs it the same.
void startPrivateSessionBus()
{
    FILE *out = ::popen("dbus-daemon --session --fork --print-address=1 --print-pid=1", "r");
    char address[512] = {}, pid[32] = {};
    if (!out || !std::fgets(address, sizeof address, out) || !std::fgets(pid, sizeof pid, out)) {
        if (out)
            ::pclose(out);
        return; // the test case fails in initTestCase, with the reason
    }
    ::pclose(out);
    g_busPid = pid_t(std::atoi(pid));
    qputenv("DBUS_SESSION_BUS_ADDRESS", QByteArray(address).trimmed());
}

} // namespace

// What a desktop's notification daemon does, recorded.
class FakeNotifications : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Shown {
        uint id;
        QString summary, body;
        QStringList actions;
    };
    QList<Shown> shown;
    QList<uint> closed;

public Q_SLOTS:
    uint Notify(const QString &, uint, const QString &, const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &, int)
    {
        shown.append({ uint(shown.size() + 1), summary, body, actions });
        return uint(shown.size());
    }
    void CloseNotification(uint id) { closed.append(id); }
    QStringList GetCapabilities() { return { QStringLiteral("actions"), QStringLiteral("body") }; }
};

class TstEgressNotifications : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    ExternalHttpServer m_web;
    FakeNotifications m_daemon;
    std::unique_ptr<QDBusConnection> m_daemonBus; // its own connection, as another process would have

    CliRun cli(const QStringList &args) { return runCli(m_fx.data->paths().dataDir(), args); }
    std::unique_ptr<QProcess> curlInSandbox(const QString &url)
    {
        auto curl = std::make_unique<QProcess>();
        curl->start(cliBinary(), { QStringLiteral("--data-dir"), m_fx.data->paths().dataDir(), QStringLiteral("exec"), QStringLiteral("nt"),
                                   QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"),
                                   QStringLiteral("20"), url });
        return curl;
    }
    void personLooksElsewhere()
    {
        QApplication::setActiveWindow(nullptr);
        QTRY_VERIFY(!m_fx.window->isActiveWindow());
    }
    void invoke(uint id, const QString &action)
    {
        QDBusMessage signal = QDBusMessage::createSignal(QStringLiteral("/org/freedesktop/Notifications"),
                                                         QStringLiteral("org.freedesktop.Notifications"), QStringLiteral("ActionInvoked"));
        signal << id << action;
        QVERIFY(m_daemonBus->send(signal));
    }

public:
    static void initMain()
    {
        prepareWebEngineForTests();
        startPrivateSessionBus();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(g_busPid > 0, "cannot start a private dbus-daemon (is the dbus-daemon package installed?)");
        m_daemonBus = std::make_unique<QDBusConnection>(
            QDBusConnection::connectToBus(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("fake-notifications")));
        QVERIFY(m_daemonBus->isConnected());
        QVERIFY(m_daemonBus->registerObject(QStringLiteral("/org/freedesktop/Notifications"), &m_daemon, QDBusConnection::ExportAllSlots));
        QVERIFY(m_daemonBus->registerService(QStringLiteral("org.freedesktop.Notifications")));

        QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY(cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("nt") }).exitCode == 0);
        for (const char *name : { "asked.test", "refused.test" })
            QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("resolve"), QString::fromLatin1(name),
                          QStringLiteral("127.0.0.1:%1").arg(m_web.serverPort()) }).exitCode == 0);
        QVERIFY(cli({ QStringLiteral("egress"), QStringLiteral("mode"), QStringLiteral("nt"), QStringLiteral("ask-unlisted") }).exitCode == 0);
    }
    void cleanupTestCase()
    {
        m_fx.tearDown();
        if (m_daemonBus)
            QDBusConnection::disconnectFromBus(QStringLiteral("fake-notifications"));
        if (g_busPid > 0)
            ::kill(g_busPid, SIGTERM);
    }

    void aHeldConnectionIsAnsweredFromTheDesktop()
    {
        personLooksElsewhere();
        auto curl = curlInSandbox(QStringLiteral("http://asked.test/from-desktop"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_daemon.shown.isEmpty(), 10000);
        const FakeNotifications::Shown n = m_daemon.shown.last();
        QVERIFY2(n.body.contains(QStringLiteral("asked.test:80")) && n.body.contains(QStringLiteral("curl (pid "))
                     && n.body.contains(QStringLiteral("'nt'")),
                 qPrintable(n.body));
        QCOMPARE(n.actions.size(), 8);
        QCOMPARE(n.actions[0], QStringLiteral("allow-once"));
        QTRY_COMPARE(m_fx.window->notifier()->shown(), 1);
        invoke(n.id, QStringLiteral("allow-once"));
        QTRY_VERIFY(m_daemon.closed.contains(n.id)); // answered: withdrawn (the signal needs this event loop)
        QTRY_COMPARE_WITH_TIMEOUT(curl->state(), QProcess::NotRunning, 10000);
        QCOMPARE(curl->readAllStandardOutput(), QByteArray("http GET /from-desktop\n"));
        QCOMPARE(m_fx.window->notifier()->shown(), 0);
    }

    void answeredInTheWindowTheNotificationIsWithdrawn()
    {
        personLooksElsewhere();
        const qsizetype before = m_daemon.shown.size();
        auto curl = curlInSandbox(QStringLiteral("http://refused.test/"));
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon.shown.size() == before + 1, 10000);
        const uint id = m_daemon.shown.last().id;
        QTRY_COMPARE(m_fx.window->notifier()->shown(), 1);
        EgressQuestionBar *bar = m_fx.window->questionBar();
        QTRY_VERIFY(bar->isVisible());
        bar->findChild<QPushButton *>(QStringLiteral("deny-once"))->click();
        QTRY_VERIFY(m_daemon.closed.contains(id));
        QTRY_COMPARE_WITH_TIMEOUT(curl->state(), QProcess::NotRunning, 10000);
        QVERIFY(!curl->readAllStandardOutput().contains("http GET")); // refused: never reached the server
    }

    // Someone else's notification's action, or one for a question already
    // gone, answers nothing.
    void strangeActionsAreIgnored()
    {
        invoke(4242, QStringLiteral("allow-always"));
        invoke(1, QStringLiteral("allow-always")); // the first, answered long ago
        QTest::qWait(200);
        auto rules = cli({ QStringLiteral("egress"), QStringLiteral("rules"), QStringLiteral("nt") });
        QVERIFY2(!rules.out.contains("asked.test"), rules.out.constData());
    }
};

QTEST_MAIN(TstEgressNotifications)
#include "tst_egress_notifications.moc"
