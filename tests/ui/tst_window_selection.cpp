// The window's selection is explicit and its state is live: pages show a
// sandbox only while its row is selected, Tab leaves the list, actions are
// enabled by the selected sandbox's state and transitions show while a call
// is in flight, a stopped sandbox's tabs offer Start, the state dot has the
// state's colour, and the list filters and sorts with every row mapped right.
#include "test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"
#include "window_test_helpers.h"

#include "pages/overview_page.h"
#include "pages/processes_page.h"

#include <QApplication>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstWindowSelection : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    SandboxInfo m_alpha, m_beta;

    MainWindow &window() { return *m_fx.window; }
    QTableView *list() { return m_fx.window->sandboxView(); }
    bool enabled(const char *text)
    {
        QAction *a = windowAction(m_fx.window.get(), QString::fromUtf8(text));
        return a && a->isEnabled();
    }

    void select(const QString &name)
    {
        int row = viewRowNamed(window(), name);
        QVERIFY2(row >= 0, qPrintable(name));
        list()->selectRow(row);
    }

    // What the Overview tab shows, all its labels together.
    QString overviewText()
    {
        QString all;
        for (QLabel *label : m_fx.window->findChild<OverviewPage *>()->findChildren<QLabel *>())
            all += label->text() + QLatin1Char('\n');
        return all;
    }

    QWidget *placeholderOf(QWidget *page)
    {
        return page->findChild<QWidget *>(QStringLiteral("stoppedPlaceholder"));
    }

    // The list's pixels in the State cell of a view row.
    bool stateCellHasColour(int viewRow, QColor want)
    {
        QRect cell = list()->visualRect(list()->model()->index(viewRow, SandboxListModel::State));
        QImage shot = list()->viewport()->grab().toImage();
        for (int y = cell.top(); y <= cell.bottom(); ++y)
            for (int x = cell.left(); x < cell.left() + 30 && x <= cell.right(); ++x) {
                QColor c = shot.pixelColor(x, y);
                if (qAbs(c.red() - want.red()) < 24 && qAbs(c.green() - want.green()) < 24
                    && qAbs(c.blue() - want.blue()) < 24)
                    return true;
            }
        return false;
    }

public:
    static void initMain()
    {
        prepareWebEngineForTests();
    } // selecting a running sandbox opens a terminal

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_alpha = makeSandbox(*m_fx.engine, QStringLiteral("alpha"));
        m_beta = makeSandbox(*m_fx.engine, QStringLiteral("beta"));
        QVERIFY(!m_alpha.id.isEmpty() && !m_beta.id.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(sourceRowNamed(window(), QStringLiteral("beta")) >= 0, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(sourceRowNamed(window(), QStringLiteral("alpha")) >= 0, kWaitMs);
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void pagesShowNothingWithoutASelectedRow()
    {
        select(QStringLiteral("alpha"));
        QTRY_VERIFY(overviewText().contains(m_alpha.id));
        // A current row that is not selected (what a click on empty space or
        // a model change can leave) must not be acted on.
        list()->clearSelection();
        list()->selectionModel()->setCurrentIndex(
            list()->model()->index(viewRowNamed(window(), QStringLiteral("alpha")), 0),
            QItemSelectionModel::NoUpdate);
        QVERIFY2(!window().selectedSandbox(), "a sandbox counts as selected with no row selected");
        QVERIFY2(!overviewText().contains(m_alpha.id),
            qPrintable(QStringLiteral("Overview still shows it:\n") + overviewText()));
        QVERIFY2(!enabled("Stop") && !enabled("Delete"),
            "Stop or Delete is enabled with no row selected");
    }

    void tabLeavesTheListAndKeepsTheSelection()
    {
        QApplication::setActiveWindow(m_fx.window.get());
        select(QStringLiteral("alpha"));
        list()->setFocus();
        QTRY_VERIFY(list()->hasFocus());
        QTest::keyClick(list(), Qt::Key_Tab);
        QVERIFY2(!list()->hasFocus(), "Tab kept the focus in the sandbox list");
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab, Qt::ShiftModifier);
        QVERIFY2(list()->hasFocus(), "Shift+Tab did not come back to the list");
        QVERIFY(window().selectedSandbox());
        QCOMPARE(window().selectedSandbox()->name, QStringLiteral("alpha"));
    }

    void actionsFollowTheSelectedSandboxsState()
    {
        select(QStringLiteral("alpha"));
        QVERIFY2(!enabled("Start"), "Start is enabled for a running sandbox");
        QVERIFY(enabled("Stop"));
        windowAction(m_fx.window.get(), QStringLiteral("Stop"))->trigger();
        // The call is in flight: the row says so and nothing else can start.
        QCOMPARE(stateShown(window(), QStringLiteral("alpha")), QStringLiteral("stopping…"));
        QVERIFY2(!enabled("Start") && !enabled("Stop"),
            "actions stay enabled while a stop is in flight");
        QTRY_COMPARE_WITH_TIMEOUT(
            stateShown(window(), QStringLiteral("alpha")), QStringLiteral("stopped"), kWaitMs);
        QVERIFY(enabled("Start"));
        QVERIFY(!enabled("Stop"));
    }

    void stoppedSandboxsTabsOfferStart()
    {
        select(QStringLiteral("alpha")); // stopped by the test before
        auto *processes = m_fx.window->findChild<ProcessesPage *>();
        m_fx.window->tabs()->setCurrentWidget(processes);
        QWidget *placeholder = placeholderOf(processes);
        QVERIFY2(placeholder, "no placeholder on the Processes tab of a stopped sandbox");
        QTRY_VERIFY(placeholder->isVisible());
        QStringList words;
        for (QLabel *label : placeholder->findChildren<QLabel *>())
            words << label->text();
        QVERIFY2(words.join(QLatin1Char(' ')).contains(QStringLiteral("'alpha' is stopped")),
            qPrintable(words.join(QLatin1Char('|'))));
        QVERIFY(!placeholderOf(
            m_fx.window->findChild<OverviewPage *>())); // Overview shows a stopped sandbox as it is
        auto *start = placeholder->findChild<QPushButton *>();
        QVERIFY(start && start->isEnabled());
        start->click();
        QCOMPARE(stateShown(window(), QStringLiteral("alpha")), QStringLiteral("starting…"));
        QTRY_COMPARE_WITH_TIMEOUT(
            stateShown(window(), QStringLiteral("alpha")), QStringLiteral("running"), kWaitMs);
        QTRY_VERIFY(!placeholder->isVisible());
    }

    void stateDotHasTheStatesColour()
    {
        QVERIFY(stopSandbox(*m_fx.engine, m_beta.id));
        QTRY_COMPARE_WITH_TIMEOUT(
            stateShown(window(), QStringLiteral("beta")), QStringLiteral("stopped"), kWaitMs);
        list()->clearSelection(); // selection colours aside
        QVERIFY2(stateCellHasColour(
                     viewRowNamed(window(), QStringLiteral("alpha")), QColor(0x2e, 0xa0, 0x43)),
            "no green dot on a running sandbox");
        QVERIFY2(stateCellHasColour(
                     viewRowNamed(window(), QStringLiteral("beta")), QColor(0x8b, 0x8f, 0x96)),
            "no grey dot on a stopped sandbox");
        QVERIFY(!stateCellHasColour(
            viewRowNamed(window(), QStringLiteral("beta")), QColor(0x2e, 0xa0, 0x43)));
    }

    void searchFiltersByNameIdAndState()
    {
        auto *search = m_fx.window->findChild<QLineEdit *>(QStringLiteral("sandboxSearch"));
        QVERIFY2(search, "no search box over the sandbox list");
        search->setText(QStringLiteral("BET"));
        QCOMPARE(list()->model()->rowCount(), 1);
        list()->selectRow(0);
        QCOMPARE(window().selectedSandbox()->name, QStringLiteral("beta"));
        search->setText(m_alpha.id.left(6));
        QCOMPARE(list()->model()->rowCount(), 1);
        list()->selectRow(0);
        QCOMPARE(window().selectedSandbox()->name, QStringLiteral("alpha"));
        search->setText(QStringLiteral("stopped"));
        QCOMPARE(list()->model()->rowCount(), 1);
        QCOMPARE(list()->model()->index(0, SandboxListModel::Name).data().toString(),
            QStringLiteral("beta"));
        search->clear();
        QCOMPARE(list()->model()->rowCount(), 2);
    }

    void sortedRowsMapToTheirSandboxes()
    {
        list()->sortByColumn(SandboxListModel::Name, Qt::DescendingOrder);
        QCOMPARE(list()->model()->index(0, SandboxListModel::Name).data().toString(),
            QStringLiteral("beta"));
        list()->selectRow(0);
        QCOMPARE(window().selectedSandbox()->name, QStringLiteral("beta"));
        QTRY_VERIFY(overviewText().contains(m_beta.id));
        list()->sortByColumn(SandboxListModel::Name, Qt::AscendingOrder);
        QCOMPARE(window().selectedSandbox()->name,
            QStringLiteral("beta")); // the selection follows its row
        QCOMPARE(list()->model()->index(0, SandboxListModel::Name).data().toString(),
            QStringLiteral("alpha"));
    }

    void newSandboxIsSelectedWhateverTheSortAndFilter()
    {
        list()->sortByColumn(SandboxListModel::Name, Qt::DescendingOrder);
        if (auto *search = m_fx.window->findChild<QLineEdit *>(QStringLiteral("sandboxSearch")))
            search->setText(QStringLiteral("alpha"));
        QTimer::singleShot(0, this, [] {
            QTRY_VERIFY(qobject_cast<QInputDialog *>(QApplication::activeModalWidget()));
            auto *input = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
            input->setTextValue(QStringLiteral("gamma"));
            input->accept();
        });
        windowAction(m_fx.window.get(), QStringLiteral("New"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(window().selectedSandbox()
                && window().selectedSandbox()->name == QStringLiteral("gamma"),
            kWaitMs);
        QVERIFY(viewRowNamed(window(), QStringLiteral("gamma")) >= 0);
    }

    void restartShowsItsTransitionAndEndsRunning()
    {
        select(QStringLiteral("alpha"));
        const QDateTime before = window().selectedSandbox()->startedAt;
        QAction *restart = windowAction(m_fx.window.get(), QStringLiteral("Restart"));
        QVERIFY2(restart && restart->isEnabled(), "no Restart for a running sandbox");
        restart->trigger();
        QCOMPARE(stateShown(window(), QStringLiteral("alpha")), QStringLiteral("restarting…"));
        QVERIFY(!enabled("Start") && !enabled("Stop") && !enabled("Restart"));
        QTRY_COMPARE_WITH_TIMEOUT(
            stateShown(window(), QStringLiteral("alpha")), QStringLiteral("running"), kWaitMs);
        QTRY_VERIFY(window().selectedSandbox()->startedAt != before);
        QVERIFY(enabled("Stop") && !enabled("Start"));
    }

    void deleteShowsDeletingUntilTheRowGoes()
    {
        select(QStringLiteral("gamma"));
        QTimer::singleShot(0, this, [] {
            QTRY_VERIFY(qobject_cast<QMessageBox *>(QApplication::activeModalWidget()));
            qobject_cast<QMessageBox *>(QApplication::activeModalWidget())
                ->button(QMessageBox::Yes)
                ->click();
        });
        windowAction(m_fx.window.get(), QStringLiteral("Delete"))->trigger();
        QCOMPARE(stateShown(window(), QStringLiteral("gamma")), QStringLiteral("deleting…"));
        QVERIFY(!enabled("Delete") && !enabled("Start") && !enabled("Stop"));
        QTRY_COMPARE_WITH_TIMEOUT(sourceRowNamed(window(), QStringLiteral("gamma")), -1, kWaitMs);
        // The view may move the selection to a neighbour; what is acted on is what is highlighted.
        auto now = window().selectedSandbox();
        QCOMPARE(bool(now), list()->selectionModel()->hasSelection());
        QVERIFY(!now || now->name != QStringLiteral("gamma"));
    }
};

QTEST_MAIN(TstWindowSelection)
#include "tst_window_selection.moc"
