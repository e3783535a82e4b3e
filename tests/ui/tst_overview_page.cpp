// The Overview tab over a real engine and sandbox: state and uptime, a
// real server's listening port, 10 MB written inside raising "disk used",
// a denied connection counted — each figure plain text with an accessible
// name — and no refreshing while the tab is not on screen.
#include "test_support.h"
#include "ui_stall_probe.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "pages/overview_figures.h"
#include "pages/overview_page.h"

#include <QLabel>
#include <QTabWidget>
#include <QTableView>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstOverviewPage : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    OverviewPage *m_page = nullptr;

    CliRun cli(const QStringList &args, int timeoutMs = kWaitMs) { return runCli(m_fx.data->paths().dataDir(), args, timeoutMs); }
    QLabel *figure(const char *name) { return m_page->findChild<QLabel *>(QLatin1String(name)); }
    QString text(const char *name) { return figure(name) ? figure(name)->text() : QStringLiteral("(no %1)").arg(QLatin1String(name)); }
    void showTab(const QString &title)
    {
        for (int i = 0; i < m_fx.window->tabs()->count(); ++i)
            if (m_fx.window->tabs()->tabText(i) == title)
                m_fx.window->tabs()->setCurrentIndex(i);
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        CliRun created = cli({ QStringLiteral("create"), QStringLiteral("--name"), QStringLiteral("ov") });
        QVERIFY2(created.exitCode == 0, created.err.constData());
        QTRY_VERIFY(m_fx.window->sandboxes().rowCount() == 1);
        m_fx.window->sandboxView()->selectRow(0);
        showTab(QStringLiteral("Overview"));
        m_page = qobject_cast<OverviewPage *>(m_fx.window->tabs()->currentWidget());
        QVERIFY(m_page);
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    void stateAndUptimeShow()
    {
        QTRY_COMPARE(text("overviewState"), QStringLiteral("running"));
        QTRY_VERIFY(text("overviewUptime").endsWith(QStringLiteral(" s")) || text("overviewUptime").contains(QStringLiteral("min")));
        QTRY_COMPARE(text("overviewProcesses"), QStringLiteral("no background processes"));
        QTRY_COMPARE(text("overviewPorts"), QStringLiteral("none"));
        for (const char *name : { "overviewState", "overviewUptime", "overviewProcesses", "overviewPorts", "overviewDisk", "overviewEgress" }) {
            QLabel *f = figure(name);
            QVERIFY2(f && f->textFormat() == Qt::PlainText, name);
            QVERIFY2(f->accessibleName().contains(f->text()) && f->accessibleName().size() > f->text().size(), name);
        }
    }

    void aListeningServerShowsItsPort()
    {
        const CliRun spawned = cli({ QStringLiteral("spawn"), QStringLiteral("ov"), QStringLiteral("--name"), QStringLiteral("web"), QStringLiteral("--"),
                                     QStringLiteral("python3"), QStringLiteral("-m"), QStringLiteral("http.server"), QStringLiteral("8765") });
        QVERIFY2(spawned.exitCode == 0, spawned.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(text("overviewPorts").contains(QStringLiteral("8765")), 30000);
        QCOMPARE(text("overviewProcesses"), QStringLiteral("1 running in the background"));
    }

    void writingTenMegabytesRaisesDiskUsed()
    {
        QTRY_VERIFY(m_page->lastVitals().disk.known);
        const qint64 before = m_page->lastVitals().disk.bytes;
        const CliRun wrote = cli({ QStringLiteral("exec"), QStringLiteral("ov"), QStringLiteral("--"), QStringLiteral("dd"),
                                   QStringLiteral("if=/dev/zero"), QStringLiteral("of=/root/blob"), QStringLiteral("bs=1M"), QStringLiteral("count=10") });
        QVERIFY2(wrote.exitCode == 0, wrote.err.constData());
        QTRY_VERIFY_WITH_TIMEOUT(m_page->lastVitals().disk.bytes >= before + 10 * 1024 * 1024, 30000);
        QTRY_COMPARE(text("overviewDisk"), diskText(m_page->lastVitals().disk));
        QVERIFY2(text("overviewDisk").contains(QStringLiteral("MiB")) || text("overviewDisk").contains(QStringLiteral("MB")),
                 qPrintable(text("overviewDisk")));
    }

    void aDeniedConnectionIsCounted()
    {
        QCOMPARE(m_page->lastVitals().egress.denied, qint64(0));
        cli({ QStringLiteral("exec"), QStringLiteral("ov"), QStringLiteral("--"), QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"),
              QStringLiteral("5"), QStringLiteral("http://denied.test/") });
        QTRY_VERIFY_WITH_TIMEOUT(m_page->lastVitals().egress.denied >= 1, 30000);
        QTRY_VERIFY(text("overviewEgress").contains(QStringLiteral("1 denied")));
    }

    // Gathering runs off the UI thread: a layer of 100,000 files costs the
    // window nothing while the tab refreshes. (Outside /root, which the
    // Files tab watches: its own flood is another test's.)
    void aLargeLayerDoesNotStallTheWindow()
    {
        // 100,000 files on overlayfs: seconds when idle, past a minute on a
        // busy 2-core machine. The setup's speed is not what is measured.
        constexpr int kSlowSetupMs = 180000;
        const CliRun made = cli({ QStringLiteral("exec"), QStringLiteral("ov"), QStringLiteral("--"), QStringLiteral("python3"), QStringLiteral("-c"),
                                  QStringLiteral("import os\nfor d in range(100):\n    os.makedirs(f'/srv/many/{d}')\n"
                                                 "    for f in range(1000): open(f'/srv/many/{d}/{f}', 'w').close()") },
            kSlowSetupMs);
        QVERIFY2(made.exitCode == 0, made.err.constData());
        UiStallProbe probe;
        probe.start();
        const int before = m_page->refreshes();
        // Generous: three walks of 100,000 entries take long on a busy machine or
        // under sanitizers, and what is measured here is the stall, not the speed.
        QTRY_VERIFY_WITH_TIMEOUT(m_page->lastVitals().disk.entries > 100000 && m_page->refreshes() >= before + 3, 180000);
        probe.stop();
        qInfo("worst UI stall while the overview measured 100,000 files: %s", qPrintable(probe.figures()));
        QVERIFY2(probe.failure().isEmpty(), qPrintable(probe.failure()));
    }

    // Nothing is gathered for a tab nobody sees.
    void aHiddenTabDoesNotRefresh()
    {
        const int shown = m_page->refreshes();
        QTRY_VERIFY_WITH_TIMEOUT(m_page->refreshes() > shown, 10000);
        showTab(QStringLiteral("Egress"));
        QTRY_VERIFY(!m_page->isVisible());
        QTest::qWait(OverviewPage::kRefreshMs); // an answer already asked for may still land
        const int hidden = m_page->refreshes();
        QTest::qWait(2 * OverviewPage::kRefreshMs + 500);
        QCOMPARE(m_page->refreshes(), hidden);
        showTab(QStringLiteral("Overview"));
        QTRY_VERIFY(m_page->refreshes() > hidden);
    }

    void stoppingShowsStopped()
    {
        QVERIFY(cli({ QStringLiteral("stop"), QStringLiteral("ov") }).exitCode == 0);
        QTRY_COMPARE(text("overviewState"), QStringLiteral("stopped"));
        QTRY_COMPARE(text("overviewUptime"), QStringLiteral("stopped"));
        QTRY_COMPARE(text("overviewPorts"), QStringLiteral("none (stopped)"));
        QVERIFY(m_page->lastVitals().disk.known); // its files stay, and so does their size
    }
};

QTEST_MAIN(TstOverviewPage)
#include "tst_overview_page.moc"
