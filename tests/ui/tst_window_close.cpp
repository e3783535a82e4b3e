// Closing the window with sandboxes running: the first time it says they keep
// running and offers to stop them (Cancel keeps the window); "keep running"
// really leaves them running — a new engine adopts the same processes — and
// "Don't ask again" / File → When closing are remembered; "stop" stops them
// all before the window goes.
#include "test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"
#include "window_test_helpers.h"

#include <QAbstractButton>
#include <QApplication>
#include <QCheckBox>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTimer>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstWindowClose : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    SandboxInfo m_kept;

    struct Asked {
        bool shown = false;
        QString text;
        QStringList buttons;
        QString defaultButton;
    };

    // Answers the close question (if one shows) with the button named answer.
    void answerCloseQuestion(Asked &asked, const QString &answer, bool dontAskAgain)
    {
        QTimer::singleShot(0, this, [this, &asked, answer, dontAskAgain] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box) return answerCloseQuestion(asked, answer, dontAskAgain); // not shown yet
            asked.shown = true;
            asked.text = box->text() + QLatin1Char('\n') + box->informativeText();
            for (QAbstractButton *b : box->buttons())
                asked.buttons << b->text();
            asked.defaultButton = box->defaultButton() ? box->defaultButton()->text() : QString();
            if (box->checkBox()) box->checkBox()->setChecked(dontAskAgain);
            for (QAbstractButton *b : box->buttons())
                if (b->text() == answer) return b->click();
            box->reject();
        });
    }

    std::optional<SandboxInfo> listed(EngineBridge &engine, const QString &id)
    {
        std::optional<Result<QList<SandboxInfo>>> all;
        engine.call<QList<SandboxInfo>>([](Engine &e) { return e.listSandboxes(); },
            [&](Result<QList<SandboxInfo>> r) { all = r; });
        if (!QTest::qWaitFor([&] { return all.has_value(); }, kWaitMs) || !*all)
            return std::nullopt;
        for (const SandboxInfo &sb : **all)
            if (sb.id == id) return sb;
        return std::nullopt;
    }

    // A new window over a new engine on the same data dir, as the next launch.
    void relaunch()
    {
        m_fx.window.reset();
        m_fx.engine.reset();
        m_fx.engine = std::make_unique<EngineBridge>();
        auto opened = m_fx.engine->open(m_fx.data->paths());
        QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().message));
        m_fx.window = std::make_unique<MainWindow>(*m_fx.engine);
        m_fx.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_fx.window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(
            sourceRowNamed(*m_fx.window, QStringLiteral("kept")) >= 0, kWaitMs);
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear(); // a remembered answer from an earlier run would skip the question
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_kept = makeSandbox(*m_fx.engine, QStringLiteral("kept"));
        QVERIFY(!m_kept.id.isEmpty() && m_kept.initPid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            sourceRowNamed(*m_fx.window, QStringLiteral("kept")) >= 0, kWaitMs);
    }

    void cleanupTestCase()
    {
        QSettings().clear();
        m_fx.tearDown();
    }

    void firstCloseSaysSandboxesKeepRunningAndCancelStays()
    {
        Asked asked;
        answerCloseQuestion(asked, QStringLiteral("Cancel"), false);
        const bool closed = m_fx.window->close();
        QVERIFY2(asked.shown, "closing with a sandbox running asked nothing");
        QVERIFY2(!closed && m_fx.window->isVisible(), "Cancel closed the window");
        QVERIFY2(asked.text.contains(QStringLiteral("keep running")), qPrintable(asked.text));
        for (const char *button : { "Keep running and quit", "Stop all and quit", "Cancel" })
            QVERIFY2(asked.buttons.contains(QLatin1String(button)),
                qPrintable(asked.buttons.join(QLatin1Char('|'))));
        QCOMPARE(asked.defaultButton, QStringLiteral("Keep running and quit"));
    }

    void keepRunningLeavesTheSandboxToTheNextLaunch()
    {
        Asked asked;
        answerCloseQuestion(asked, QStringLiteral("Keep running and quit"), true);
        QVERIFY(m_fx.window->close());
        QVERIFY(asked.shown);
        QVERIFY(processIsAlive(m_kept.initPid));
        relaunch(); // the engine thread stopped; the sandbox did not
        auto again = listed(*m_fx.engine, m_kept.id);
        QVERIFY(again);
        QCOMPARE(again->state, SandboxState::Running);
        // The same processes, adopted: paddock-init outlived the window.
        QVERIFY2(processIsAlive(m_kept.initPid), "the sandbox's init died with the window");
        QCOMPARE(again->initPid, m_kept.initPid);
        QTRY_COMPARE(stateShown(*m_fx.window, QStringLiteral("kept")), QStringLiteral("running"));
        // "Don't ask again" was ticked: the next close just keeps them running.
        Asked second;
        answerCloseQuestion(second, QStringLiteral("Cancel"), false);
        QVERIFY(m_fx.window->close());
        QVERIFY2(!second.shown, "asked again after Don't ask again");
        QApplication::processEvents(); // the pending answerer gives up on no dialog
    }

    void stopThemFromTheFileMenuStopsAllBeforeQuitting()
    {
        relaunch();
        QAction *stopThem = nullptr;
        for (QAction *a : m_fx.window->menuBar()->findChildren<QAction *>())
            if (a->text() == QStringLiteral("Stop them")) stopThem = a;
        QVERIFY2(stopThem, "no File → When closing → Stop them");
        stopThem->trigger();
        QVERIFY(!m_fx.window->close()); // not yet: stopping first
        QTRY_VERIFY_WITH_TIMEOUT(!m_fx.window->isVisible(), kWaitMs);
        auto after = listed(*m_fx.engine, m_kept.id);
        QVERIFY(after);
        QCOMPARE(after->state, SandboxState::Stopped);
    }
};

QTEST_MAIN(TstWindowClose)
#include "tst_window_close.moc"
