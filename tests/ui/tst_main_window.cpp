// The real main window, offscreen, over a real engine on its own thread:
// actions through the UI, changes made from the CLI, the Processes tab,
// taking over from a headless engine, and a screenshot for review.
#include "test_support.h"
#include "window_fixture.h"
#include "webengine_test_setup.h"

#include "engine_bridge.h"
#include "engine_takeover.h"
#include "main_window.h"
#include "pages/processes_page.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSet>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstMainWindow : public QObject {
    Q_OBJECT

    WindowFixture m_fx;

    QAction *action(const QString &text)
    {
        for (QAction *a : m_fx.window->findChildren<QAction *>())
            if (a->text() == text || a->iconText() == text)
                return a;
        return nullptr;
    }

    int rowNamed(const QString &name)
    {
        SandboxListModel &m = m_fx.window->sandboxes();
        for (int row = 0; row < m.rowCount(); ++row)
            if (m.sandboxAt(row)->name == name)
                return row;
        return -1;
    }

    QString stateOf(const QString &name)
    {
        int row = rowNamed(name);
        return row < 0 ? QString() : m_fx.window->sandboxes().index(row, SandboxListModel::State).data().toString();
    }

    // Answers the next modal dialog (input or question) once it shows.
    static void answerNextDialog(const QString &text)
    {
        QTimer::singleShot(0, [text] {
            QWidget *modal = QApplication::activeModalWidget();
            if (auto *input = qobject_cast<QInputDialog *>(modal)) {
                input->setTextValue(text);
                input->accept();
            } else if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                box->button(QMessageBox::Yes)->click();
            } else {
                answerNextDialog(text); // not shown yet
            }
        });
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase()
    {
        m_fx.tearDown();
    }

    void createThroughTheUiShowsARunningRow()
    {
        QAction *create = action(QStringLiteral("New"));
        QVERIFY(create);
        answerNextDialog(QStringLiteral("from-ui"));
        create->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("from-ui")), QStringLiteral("running"), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_fx.window->selectedSandbox()->name, QStringLiteral("from-ui"), kWaitMs);
    }

    void sandboxCreatedFromTheCliAppearsWithoutRefresh()
    {
        CliRun r = runCli(m_fx.data->paths().dataDir(), { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("from-cli") });
        QCOMPARE(r.exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("from-cli")), QStringLiteral("running"), kWaitMs);
    }

    void processesTabShowsLiveProcessesTheirLogAndKills()
    {
        m_fx.window->sandboxView()->selectRow(rowNamed(QStringLiteral("from-ui")));
        auto *page = m_fx.window->findChild<ProcessesPage *>();
        QVERIFY(page);
        m_fx.window->tabs()->setCurrentWidget(page);
        CliRun r = runCli(m_fx.data->paths().dataDir(), { QStringLiteral("spawn"), QStringLiteral("from-ui"), QStringLiteral("--"),
                                                      QStringLiteral("sh"), QStringLiteral("-c"),
                                                      QStringLiteral("echo hello-from-log; sleep 1000") });
        QCOMPARE(r.exitCode, 0);
        QTRY_COMPARE_WITH_TIMEOUT(page->model().rowCount(), 1, kWaitMs);
        page->table()->selectRow(0);
        QTRY_VERIFY_WITH_TIMEOUT(page->logView()->toPlainText().contains(QLatin1String("hello-from-log")), kWaitMs);
        QPushButton *kill = page->findChild<QPushButton *>();
        QVERIFY(kill && kill->isEnabled());
        kill->click();
        QTRY_COMPARE_WITH_TIMEOUT(page->model().index(0, ProcessListModel::State).data().toString(), QStringLiteral("killed"), kWaitMs);
    }

    void stopStartRenameAndDelete()
    {
        m_fx.window->sandboxView()->selectRow(rowNamed(QStringLiteral("from-cli")));
        action(QStringLiteral("Stop"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("from-cli")), QStringLiteral("stopped"), kWaitMs);
        action(QStringLiteral("Start"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("from-cli")), QStringLiteral("running"), kWaitMs);
        answerNextDialog(QStringLiteral("renamed"));
        action(QStringLiteral("Rename"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(rowNamed(QStringLiteral("renamed")) >= 0, kWaitMs);
        m_fx.window->sandboxView()->selectRow(rowNamed(QStringLiteral("renamed")));
        answerNextDialog({});
        action(QStringLiteral("Delete"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(rowNamed(QStringLiteral("renamed")), -1, kWaitMs);
    }

    // Sandbox shortcuts act in the sandbox list only, and a destructive
    // question defaults to the answer that keeps everything.
    void sandboxShortcutsStayInTheListAndDefaultToKeeping()
    {
        m_fx.window->activateWindow();
        QApplication::setActiveWindow(m_fx.window.get());
        m_fx.window->sandboxView()->selectRow(rowNamed(QStringLiteral("from-ui")));
        QWidget *elsewhere = m_fx.window->findChild<QTabWidget *>()->currentWidget();
        QVERIFY(elsewhere);
        elsewhere->setFocusPolicy(Qt::StrongFocus);
        elsewhere->setFocus();
        QTRY_VERIFY(elsewhere->hasFocus() || elsewhere->isAncestorOf(QApplication::focusWidget()));
        bool askedOutside = false; // a question that shows is answered No, so the test goes on
        QTimer::singleShot(200, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                askedOutside = true;
                box->button(QMessageBox::No)->click();
            }
        });
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Delete);
        QTest::qWait(300);
        QVERIFY2(!askedOutside, "Delete outside the sandbox list asked to delete the sandbox");
        // In the list: asked, with No the default.
        QMessageBox::StandardButton defaultButton = QMessageBox::NoButton;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            defaultButton = box->standardButton(box->defaultButton());
            QTest::keyClick(box, Qt::Key_Return);
        });
        m_fx.window->sandboxView()->setFocus();
        QTest::keyClick(m_fx.window->sandboxView(), Qt::Key_Delete);
        QTRY_COMPARE(defaultButton, QMessageBox::No);
        QTest::qWait(300);
        QVERIFY(rowNamed(QStringLiteral("from-ui")) >= 0); // Enter kept it
    }

    void screenshotOfTheMainWindowIsNotBlank()
    {
        m_fx.window->sandboxView()->selectRow(rowNamed(QStringLiteral("from-ui")));
        m_fx.window->tabs()->setCurrentIndex(0);
        QImage shot = m_fx.window->grab().toImage();
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 4)
            for (int x = 0; x < shot.width(); x += 4)
                colours.insert(shot.pixel(x, y));
        QVERIFY2(colours.size() > 8, "the window rendered as a flat image");
        const QString dir = QStringLiteral(PADDOCK_SCREENSHOT_DIR);
        QDir().mkpath(dir);
        QVERIFY(shot.save(dir + QStringLiteral("/main-window.png")));
        qInfo("screenshot: %s/main-window.png", qPrintable(dir));
    }

    void desktopTakesOverFromAHeadlessEngine()
    {
        TestDataDir other;
        const QString dataDir = other.paths().dataDir();
        CliRun r = runCli(dataDir, { QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("kept") });
        QCOMPARE(r.exitCode, 0); // a headless engine now holds the data dir
        EngineBridge bridge;
        auto refused = bridge.open(other.paths());
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Conflict);
        auto stopped = desktop::stopHeadlessEngine(other.paths());
        QVERIFY2(stopped, qPrintable(stopped ? QString() : stopped.error().message));
        auto opened = bridge.open(other.paths());
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        std::optional<Result<QList<SandboxInfo>>> all;
        bridge.call<QList<SandboxInfo>>([](Engine &e) { return e.listSandboxes(); }, [&](Result<QList<SandboxInfo>> r) { all = r; });
        QTRY_VERIFY_WITH_TIMEOUT(all.has_value(), kWaitMs);
        QVERIFY(*all && (*all)->size() == 1);
        QCOMPARE((*all)->first().state, SandboxState::Running); // its sandbox never stopped
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
