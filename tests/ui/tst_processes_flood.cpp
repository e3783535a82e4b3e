// The Processes tab against a process that floods its log: a large log
// written before it is selected, then ~4 MB/s while the view follows it,
// through the real window over a real engine and sandbox. The UI thread
// must stay within the stall budget the whole time, the view must end on
// the newest output, and "Load earlier" must bring back what came before.
#include "processes_test_support.h"
#include "ui_stall_probe.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "pages/processes_page.h"

#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBlock>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

namespace {

// ~68 MB written at once (more than the log keeps: rotation drops some),
// then, once /tmp/go exists, ~4.2 MB a second for 8 seconds, then a last
// line, and the process stays running.
const QString kFloodScript = QStringLiteral(
    "seq -f 'old-%012g' 1 4000000; echo EXISTING-DONE;"
    "while [ ! -e /tmp/go ]; do sleep 0.05; done;"
    "i=0; while [ $i -lt 8 ]; do seq -f \"tick$i-%010g\" 1 250000; i=$((i+1)); sleep 1; done;"
    "echo FLOOD-END; exec sleep 100000");

QString lastLine(const QPlainTextEdit *view)
{
    for (QTextBlock b = view->document()->lastBlock(); b.isValid(); b = b.previous())
        if (!b.text().isEmpty()) return b.text();
    return {};
}

// Through the table, as a user would (and as the Processes tab before #13 allowed).
void selectRowOf(ProcessesPage *page, const QString &procId)
{
    QAbstractItemModel *shown = page->table()->model();
    for (int row = 0; row < shown->rowCount(); ++row)
        if (shown->index(row, 0).data().toString() == procId) page->table()->selectRow(row);
}

QString firstLine(const QPlainTextEdit *view)
{
    return view->document()->firstBlock().text();
}

// "tick3-0000000042" → "tick3-0000000041"; empty when it has none.
QString lineBefore(const QString &line)
{
    const qsizetype dash = line.lastIndexOf(QLatin1Char('-'));
    const qlonglong n = line.mid(dash + 1).toLongLong();
    if (dash < 0 || n <= 1) return {};
    return line.left(dash + 1)
        + QString::number(n - 1).rightJustified(line.size() - dash - 1, QLatin1Char('0'));
}

} // namespace

class TstProcessesFlood : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    SandboxInfo m_sandbox;

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto created = onEngine<SandboxInfo>(*m_fx.engine,
            [](Engine &e) { return e.createSandbox(SandboxSpec { QStringLiteral("flood") }); });
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        m_sandbox = *created;
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void aFloodingProcessNeverFreezesTheWindowAndShowsItsTail()
    {
        auto proc = spawnShell(*m_fx.engine, m_sandbox.id, kFloodScript);
        QVERIFY2(proc, proc ? "" : qPrintable(proc.error().message));
        WaitCondition written { QStringLiteral("^EXISTING-DONE$"), 120000 };
        auto ready = onEngineAsync<WaitResult>(
            *m_fx.engine,
            [&](Engine &e, Callback<WaitResult> done) {
                e.wait(m_sandbox.id, proc->id, written, std::move(done));
            },
            130000);
        QVERIFY2(ready, ready ? "" : qPrintable(ready.error().message));

        m_fx.window->sandboxView()->selectRow(0);
        auto *page = m_fx.window->findChild<ProcessesPage *>();
        QVERIFY(page);
        m_fx.window->tabs()->setCurrentWidget(page);
        QTRY_COMPARE_WITH_TIMEOUT(page->model().rowCount(), 1, kWaitMs);

        UiStallProbe probe;
        probe.start();
        page->table()->selectRow(0);
        auto go = onEngineAsync<void>(*m_fx.engine, [this](Engine &e, Callback<void> done) {
            e.writeFile(m_sandbox.id, QStringLiteral("/tmp/go"), {}, 0644, std::move(done));
        });
        QVERIFY2(go, go ? "" : qPrintable(go.error().message));
        QPlainTextEdit *view = page->logView();
        const bool tail
            = QTest::qWaitFor([&] { return lastLine(view) == QLatin1String("FLOOD-END"); }, 180000);
        probe.stop();
        qInfo("worst UI stall while selecting and following the flood: %s, over %lld ms",
            qPrintable(probe.figures()), probe.elapsedMs());
        QVERIFY2(tail,
            qPrintable(
                QStringLiteral("the view does not end on the flood's last line; it ends on '%1'")
                    .arg(lastLine(view))));
        QVERIFY2(probe.failure().isEmpty(), qPrintable(probe.failure()));

        // The view holds the newest output only; what came before is one click away.
        QVERIFY(!view->toPlainText().contains(QLatin1String("EXISTING-DONE")));
        auto *earlier = page->findChild<QPushButton *>(QStringLiteral("loadEarlier"));
        QVERIFY2(earlier, "no Load earlier button");
        QVERIFY(earlier->isEnabled());
        const QString top = firstLine(view);
        const QString before = lineBefore(top);
        QVERIFY2(!before.isEmpty(), qPrintable(top));
        earlier->click();
        QTRY_VERIFY_WITH_TIMEOUT(firstLine(view) != top, kWaitMs);
        const QString text = view->toPlainText();
        QVERIFY2(text.contains(before + QLatin1Char('\n') + top + QLatin1Char('\n')),
            qPrintable(QStringLiteral("'%1' is not right before '%2'").arg(before, top)));
        QCOMPARE(view->verticalScrollBar()->value(), 0); // showing what was loaded
    }

    // 50 MB without a newline: a single block that long would take the
    // text layout minutes. The view breaks it into bounded lines.
    void aFiftyMegabyteLineDoesNotFreezeTheView()
    {
        auto proc = spawnShell(*m_fx.engine, m_sandbox.id,
            QStringLiteral(
                "head -c 52428800 /dev/zero | tr '\\0' x; echo; echo LINE-END; exec sleep 100000"));
        QVERIFY2(proc, proc ? "" : qPrintable(proc.error().message));
        auto *page = m_fx.window->findChild<ProcessesPage *>();
        QTRY_VERIFY_WITH_TIMEOUT(page->model().rowCount() == 2, kWaitMs);
        UiStallProbe probe;
        probe.start();
        selectRowOf(page, proc->id);
        QPlainTextEdit *view = page->logView();
        const bool tail
            = QTest::qWaitFor([&] { return lastLine(view) == QLatin1String("LINE-END"); }, 180000);
        probe.stop();
        qInfo("worst UI stall showing a 50 MB line: %s", qPrintable(probe.figures()));
        QVERIFY2(
            tail, qPrintable(QStringLiteral("the view ends on '%1'").arg(lastLine(view).left(80))));
        QVERIFY2(probe.failure().isEmpty(), qPrintable(probe.failure()));
        int longest = 0;
        for (QTextBlock b = view->document()->firstBlock(); b.isValid(); b = b.next())
            longest = qMax(longest, b.length());
        QVERIFY2(longest <= 4096 + 1, qPrintable(QString::number(longest)));
    }

    // Output is plain text: escape sequences act on nothing, controls and
    // direction overrides show as U+FFFD, invalid UTF-8 too; a title string
    // left open ends with its line instead of hiding the rest of the log.
    void hostileOutputShowsAsPlainText()
    {
        auto proc = spawnShell(*m_fx.engine, m_sandbox.id,
            QStringLiteral("printf "
                           "'A\\033[31mred\\033[0m\\033]0;"
                           "title\\007B\\r\\nC\\001D\\342\\200\\256E\\377F<b>G</b>\\n"
                           "\\033]8;;an unterminated link\\nH\\n';"
                           " echo HOSTILE-END; exec sleep 100000"));
        QVERIFY2(proc, proc ? "" : qPrintable(proc.error().message));
        auto *page = m_fx.window->findChild<ProcessesPage *>();
        QTRY_VERIFY_WITH_TIMEOUT(page->model().rowCount() == 3, kWaitMs);
        selectRowOf(page, proc->id);
        QPlainTextEdit *view = page->logView();
        QTRY_COMPARE_WITH_TIMEOUT(lastLine(view), QStringLiteral("HOSTILE-END"), kWaitMs);
        const QString replacement(QChar(0xFFFD));
        QCOMPARE(view->toPlainText(),
            QStringLiteral("AredB\nC") + replacement + QStringLiteral("D") + replacement
                + QStringLiteral("E") + replacement + QStringLiteral("F<b>G</b>\n\nH\nHOSTILE-END\n"));
    }
};

QTEST_MAIN(TstProcessesFlood)
#include "tst_processes_flood.moc"
