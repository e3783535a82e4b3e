// The life of a terminal's shell in the real window: none starts before
// the Terminal tab is shown, the first one has the keyboard at once, and
// after the sandbox stops and starts again the dead tab says so and
// reconnects to a fresh shell.
#include "terminal_test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "main_window.h"

#include <QAbstractButton>
#include <QDir>
#include <QLabel>
#include <QTabWidget>
#include <QTableView>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstTerminalSessions : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    TerminalsPage *m_page = nullptr;

    // What `sh -c script` prints inside the selected sandbox.
    QString runInSandbox(const QString &script)
    {
        auto out = std::make_shared<QByteArray>();
        auto done = std::make_shared<bool>(false);
        QPointer<QObject> receiver(this);
        CommandSpec cmd { { QStringLiteral("sh"), QStringLiteral("-c"), script } };
        m_fx.engine->call<bool>(
            [cmd, id = m_fx.window->selectedSandbox()->id, out, done, receiver](
                Engine &e) -> Result<bool> {
                auto session = e.exec(id, cmd);
                if (!session) return tl::unexpected(session.error());
                QObject::connect(*session, &ExecSession::output, receiver.data(),
                    [out](OutputStream, const QByteArray &b) { *out += b; });
                QObject::connect(
                    *session, &ExecSession::finished, receiver.data(), [done] { *done = true; });
                QObject::connect(
                    *session, &ExecSession::failed, receiver.data(), [done] { *done = true; });
                return true;
            },
            [done](Result<bool> r) {
                if (!r) *done = true;
            });
        if (!QTest::qWaitFor([&] { return *done; }, kWaitMs))
            return QStringLiteral("test: the command did not end");
        return QString::fromUtf8(*out);
    }

    static void typeKeys(const QString &text)
    {
        QTest::keyClicks(QApplication::focusWidget(), text);
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    }

    QTabWidget *terminalTabs() const
    {
        for (QWidget *w = m_page->currentTerminal(); w; w = w->parentWidget())
            if (auto *tabs = qobject_cast<QTabWidget *>(w)) return tabs;
        return nullptr;
    }

    QWidget *endedBar() const
    {
        for (QWidget *w = m_page->currentTerminal(); w; w = w->parentWidget())
            if (auto *bar = w->findChild<QWidget *>(QStringLiteral("terminalEndedBar"))) return bar;
        return nullptr;
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_fx.window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_fx.window.get()));
        m_page = m_fx.window->findChild<TerminalsPage *>();
        QVERIFY(m_page);
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void noShellStartsUntilTheTerminalTabIsShown()
    {
        QVERIFY(m_fx.window->tabs()->currentWidget() != m_page);
        m_fx.window->createSandbox(QStringLiteral("lazy"));
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->selectedSandbox()
                && m_fx.window->selectedSandbox()->name == QLatin1String("lazy"),
            kWaitMs);
        QCOMPARE(m_page->findChildren<TerminalView *>().size(), 0);
        const QStringList processes
            = runInSandbox(QStringLiteral("cat /proc/[0-9]*/comm")).split(u'\n');
        QVERIFY2(processes.contains(QLatin1String("sh")),
            qPrintable(processes.join(u' '))); // the probe sees itself
        QVERIFY2(!processes.contains(QLatin1String("bash")), qPrintable(processes.join(u' ')));
    }

    void theFirstShellOpensOnShowingTheTabAndHasTheKeyboard()
    {
        m_fx.window->sandboxView()->setFocus(); // where a user who just clicked the sandbox has it
        m_fx.window->tabs()->setCurrentWidget(m_page);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->currentTerminal() && m_page->currentTerminal()->host().isRunning(), kWaitMs);
        TerminalView *view = m_page->currentTerminal();
        QVERIFY2(waitForScreen(view, QStringLiteral("#")), qPrintable(terminalScreen(view)));
        QTRY_VERIFY2_WITH_TIMEOUT(
            view->focusProxy() && QApplication::focusWidget() == view->focusProxy(),
            qPrintable(QStringLiteral("focus is on %1")
                           .arg(QApplication::focusWidget() ? QString::fromLatin1(
                                    QApplication::focusWidget()->metaObject()->className())
                                                            : QStringLiteral("nothing"))),
            kWaitMs);
        typeKeys(QStringLiteral("echo h$((1))i"));
        QVERIFY2(waitForScreen(view, QStringLiteral("\nh1i")), qPrintable(terminalScreen(view)));
        QVERIFY(runInSandbox(QStringLiteral("cat /proc/[0-9]*/comm"))
                    .split(u'\n')
                    .contains(QLatin1String("bash")));
    }

    void aTerminalEndedByAStopReconnectsAfterTheStart()
    {
        TerminalView *view = m_page->currentTerminal();
        QVERIFY(view);
        m_fx.window->stopSelected();
        QTRY_VERIFY_WITH_TIMEOUT(!view->host().isRunning(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(endedBar() && endedBar()->isVisible(), kWaitMs);
        const QList<QLabel *> labels = endedBar()->findChildren<QLabel *>();
        QVERIFY(!labels.isEmpty());
        QVERIFY2(labels.first()->text().contains(QLatin1String("Session ended")),
            qPrintable(labels.first()->text()));
        QTabWidget *tabs = terminalTabs();
        QVERIFY(tabs->tabText(tabs->currentIndex()).contains(QLatin1String("ended")));
        auto *reconnect
            = endedBar()->findChild<QAbstractButton *>(QStringLiteral("reconnectButton"));
        QVERIFY(reconnect);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_fx.window->selectedSandbox()->state == SandboxState::Stopped, kWaitMs);
        QVERIFY(!reconnect->isEnabled()); // nothing to reconnect to yet
        m_fx.window->startSelected();
        QTRY_VERIFY_WITH_TIMEOUT(reconnect->isEnabled(), 60000);
        // Once the sandbox runs again (while it is stopped the window covers
        // the tab with its Start placeholder), the bar and its buttons fit a
        // small window.
        m_fx.window->resize(800, 500);
        auto *close
            = endedBar()->findChild<QAbstractButton *>(QStringLiteral("closeTerminalButton"));
        QTRY_VERIFY_WITH_TIMEOUT(!close->visibleRegion().isEmpty()
                && close->visibleRegion().boundingRect().width() == close->width(),
            kWaitMs);
        QVERIFY(!reconnect->accessibleName().isEmpty() && !close->accessibleName().isEmpty());
        const QString dir = QStringLiteral(PADDOCK_SCREENSHOT_DIR);
        QDir().mkpath(dir);
        QVERIFY(m_fx.window->grab().toImage().save(
            dir + QStringLiteral("/terminal-session-ended-800x500.png")));

        QTest::mouseClick(reconnect, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(view->host().isRunning(), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!endedBar()->isVisible(), kWaitMs);
        QVERIFY(!tabs->tabText(tabs->currentIndex()).contains(QLatin1String("ended")));
        QTRY_VERIFY_WITH_TIMEOUT(QApplication::focusWidget() == view->focusProxy(), kWaitMs);
        typeKeys(QStringLiteral("echo back-$((6*7))"));
        QVERIFY2(
            waitForScreen(view, QStringLiteral("\nback-42")), qPrintable(terminalScreen(view)));
    }
};

QTEST_MAIN(TstTerminalSessions)
#include "tst_terminal_sessions.moc"
