// The Egress tab's "Ask about unlisted" box shows the mode that holds,
// whoever set it: the real CLI binary talking to the window's engine over
// its local API socket, or the engine API called from outside the page —
// while the tab shows the sandbox's own rules and the global defaults.
#include "test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "pages/egress_page.h"

#include <QCheckBox>
#include <QTabWidget>
#include <QTableView>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstEgressAskUnlisted : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    EgressPage *m_page = nullptr;
    QCheckBox *m_box = nullptr;

    CliRun cli(const QStringList &args) { return runCli(m_fx.data->paths().dataDir(), args); }
    void setModeWithCli(const QString &mode)
    {
        const CliRun run = cli({ QStringLiteral("egress"), QStringLiteral("mode"), QStringLiteral("ask"), mode });
        QVERIFY2(run.exitCode == 0, run.err.constData());
    }
    void setModeWithEngine(bool ask)
    {
        auto done = std::make_shared<bool>(false);
        m_fx.engine->call<void>([ask](Engine &e) { return e.setEgressSettings(QStringLiteral("ask"), EgressSettings { ask }); },
                                [done](Result<void> r) { *done = bool(r); });
        QTRY_VERIFY(*done);
    }

    // 1 or 0 as the engine holds the mode, -1 when it did not answer.
    int engineAsks()
    {
        auto ask = std::make_shared<int>(-1); // outlives a late answer
        m_fx.engine->call<EgressSettings>([](Engine &e) { return e.egressSettings(QStringLiteral("ask")); },
                                          [ask](Result<EgressSettings> s) { *ask = s ? int(s->askUnlisted) : -2; });
        return QTest::qWaitFor([ask] { return *ask != -1; }, 5000) ? *ask : -1;
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        CliRun created = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("ask") });
        QVERIFY2(created.exitCode == 0, created.err.constData());
        QTRY_VERIFY(m_fx.window->sandboxes().rowCount() == 1);
        m_fx.window->sandboxView()->selectRow(0);
        for (int i = 0; i < m_fx.window->tabs()->count(); ++i)
            if (m_fx.window->tabs()->tabText(i) == QStringLiteral("Egress"))
                m_fx.window->tabs()->setCurrentIndex(i);
        m_page = qobject_cast<EgressPage *>(m_fx.window->tabs()->currentWidget());
        QVERIFY(m_page);
        m_box = m_page->findChild<QCheckBox *>(QStringLiteral("egressAskUnlisted"));
        QVERIFY(m_box);
        QTRY_VERIFY(m_box->isEnabled());
        QVERIFY(!m_box->isChecked());
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    void theBoxFollowsTheCli()
    {
        setModeWithCli(QStringLiteral("ask-unlisted"));
        QTRY_VERIFY_WITH_TIMEOUT(m_box->isChecked(), 10000);
        setModeWithCli(QStringLiteral("deny-unlisted"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_box->isChecked(), 10000);
    }

    void theBoxFollowsTheEngineApi()
    {
        setModeWithEngine(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_box->isChecked(), 10000);
        setModeWithEngine(false);
        QTRY_VERIFY_WITH_TIMEOUT(!m_box->isChecked(), 10000);
    }

    // The mode is the sandbox's own; with the global defaults shown the box
    // is read-only, and still tells the truth.
    void theBoxFollowsWhileTheGlobalDefaultsAreShown()
    {
        m_page->showGlobalRules(true);
        QVERIFY(!m_box->isEnabled());
        setModeWithCli(QStringLiteral("ask-unlisted"));
        QTRY_VERIFY_WITH_TIMEOUT(m_box->isChecked(), 10000);
        m_page->showGlobalRules(false);
        QVERIFY(m_box->isEnabled());
        QVERIFY(m_box->isChecked());
        setModeWithCli(QStringLiteral("deny-unlisted"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_box->isChecked(), 10000);
    }

    // Clicked here: the engine holds what the box shows.
    void aClickSetsTheMode()
    {
        m_box->click();
        QVERIFY(m_box->isChecked());
        QTRY_VERIFY_WITH_TIMEOUT(engineAsks() == 1, 10000);
        m_box->click();
        QTRY_VERIFY_WITH_TIMEOUT(engineAsks() == 0, 10000);
        QVERIFY(!m_box->isChecked());
    }

    void theBoxHasAnAccessibleName() { QVERIFY(!m_box->accessibleName().isEmpty()); }
};

QTEST_MAIN(TstEgressAskUnlisted)
#include "tst_egress_ask_unlisted.moc"
