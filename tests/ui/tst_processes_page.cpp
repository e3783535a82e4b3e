// The Processes tab's controls through the real window over a real engine
// and sandbox: the context menu's actions do what they say, "Run command…"
// starts a process whose output shows, the table filters and sorts with
// every selection still naming the right process, and the page works at
// 800×500 with every control named for assistive technology.
#include "processes_test_support.h"
#include "webengine_test_setup.h"
#include "window_fixture.h"

#include "pages/processes_page.h"
#include "processes/log_view.h"
#include "processes/process_actions.h"
#include "processes/process_filter_model.h"
#include "processes/run_command_dialog.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstProcessesPage : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    SandboxInfo m_sandbox;
    ProcessesPage *m_page = nullptr;

    ProcessInfo spawn(const QString &script)
    {
        auto p = spawnShell(*m_fx.engine, m_sandbox.id, script);
        if (!p) qFatal("spawn failed: %s", qPrintable(p.error().message));
        return *p;
    }
    std::optional<ProcessInfo> row(const QString &procId)
    {
        for (int r = 0; r < m_page->model().rowCount(); ++r)
            if (m_page->model().processAt(r)->id == procId) return *m_page->model().processAt(r);
        return std::nullopt;
    }
    QString stateOf(const QString &procId)
    {
        auto p = row(procId);
        return p ? processStateName(p->state) : QString();
    }
    QString selectedId()
    {
        auto p = m_page->currentProcess();
        return p ? p->id : QString();
    }
    // The message box that shows next: its text and default, answered with `answer`.
    struct Asked {
        QString text;
        QMessageBox::StandardButton defaultButton = QMessageBox::NoButton;
        bool shown = false;
    };
    void answerNextQuestion(Asked &asked, QMessageBox::StandardButton answer)
    {
        QTimer::singleShot(0, this, [this, &asked, answer] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box) return answerNextQuestion(asked, answer);
            asked.shown = true;
            asked.text = box->text();
            asked.defaultButton = box->standardButton(box->defaultButton());
            box->button(answer)->click();
        });
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto created = onEngine<SandboxInfo>(*m_fx.engine,
            [](Engine &e) { return e.createSandbox(SandboxSpec { QStringLiteral("procs") }); });
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        m_sandbox = *created;
        m_page = m_fx.window->findChild<ProcessesPage *>();
        QVERIFY(m_page);
        QTRY_VERIFY_WITH_TIMEOUT(m_fx.window->sandboxes().rowCount() == 1, kWaitMs);
        m_fx.window->sandboxView()->selectRow(0);
        m_fx.window->tabs()->setCurrentWidget(m_page);
        QTRY_VERIFY_WITH_TIMEOUT(m_page->runCommandButton()->isEnabled(), kWaitMs);
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void runCommandStartsAShellLineAndFollowsItsOutput()
    {
        m_page->runCommand();
        RunCommandDialog *dialog = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (dialog = m_page->findChild<RunCommandDialog *>()) && dialog->isVisible(), kWaitMs);
        QVERIFY(!dialog->runButton()->isEnabled()); // nothing to run yet
        dialog->commandEdit()->setText(
            QStringLiteral("echo 'quoted words' | tr a-z A-Z; pwd; exec sleep 100000"));
        dialog->directoryEdit()->setText(QStringLiteral("/tmp"));
        QVERIFY(dialog->runButton()->isEnabled());
        dialog->runButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->logView()->toPlainText().contains(QLatin1String("QUOTED WORDS\n/tmp")),
            kWaitMs);
        const auto selected = m_page->currentProcess();
        QVERIFY(selected);
        QCOMPARE(selected->argv.value(2),
            QStringLiteral("echo 'quoted words' | tr a-z A-Z; pwd; exec sleep 100000"));
        QCOMPARE(selected->cwd, QStringLiteral("/tmp"));
        QCOMPARE(processStateName(selected->state), QStringLiteral("running"));
    }

    void killAsksNothingAndEndsTheProcess()
    {
        const ProcessInfo p = spawn(QStringLiteral("exec sleep 100000"));
        QTRY_VERIFY_WITH_TIMEOUT(row(p.id).has_value(), kWaitMs);
        m_page->selectProcess(p.id);
        QTRY_COMPARE_WITH_TIMEOUT(selectedId(), p.id, kWaitMs);
        QAction *kill = m_page->actions().kill();
        QVERIFY(kill->isEnabled());
        QVERIFY(m_page->actions().menu()->actions().contains(kill));
        kill->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p.id), QStringLiteral("killed"), kWaitMs);
        QCOMPARE(row(p.id)->exit->signal, 15);
        QTRY_VERIFY(!kill->isEnabled()); // by state: nothing left to kill
        QVERIFY(!m_page->actions().forceKill()->isEnabled());
        QVERIFY(m_page->actions().restart()->isEnabled());
    }

    void forceKillNamesTheProcessDefaultsToNoAndThenSendsSigkill()
    {
        // Ignores SIGTERM: only SIGKILL ends it.
        const ProcessInfo p = spawn(QStringLiteral("trap '' TERM; while :; do sleep 1; done"));
        QTRY_VERIFY_WITH_TIMEOUT(row(p.id).has_value(), kWaitMs);
        m_page->selectProcess(p.id);
        QTRY_COMPARE_WITH_TIMEOUT(selectedId(), p.id, kWaitMs);
        Asked asked;
        answerNextQuestion(asked, QMessageBox::No);
        m_page->actions().forceKill()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(asked.shown, kWaitMs);
        QVERIFY2(asked.text.contains(p.id), qPrintable(asked.text));
        QVERIFY2(
            asked.text.contains(QLatin1String("trap")), qPrintable(asked.text)); // the command, too
        QCOMPARE(asked.defaultButton, QMessageBox::No);
        // A No that signalled anyway would have reached the engine before this.
        auto still = onEngine<ProcessInfo>(
            *m_fx.engine, [p](Engine &e) { return e.process(p.sandboxId, p.id); });
        QVERIFY(still && still->state == ProcessState::Running);
        QCOMPARE(stateOf(p.id), QStringLiteral("running"));
        Asked again;
        answerNextQuestion(again, QMessageBox::Yes);
        m_page->actions().forceKill()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(p.id), QStringLiteral("killed"), kWaitMs);
        QCOMPARE(row(p.id)->exit->signal, 9);
    }

    void restartRunsTheSameCommandInTheSameDirectoryAndEnvironment()
    {
        CommandSpec cmd;
        cmd.argv = QStringList { QStringLiteral("/bin/sh"), QStringLiteral("-c"),
            QStringLiteral("echo \"run in $(pwd) with $GREETING\"; exec sleep 100000") };
        cmd.cwd = QStringLiteral("/var");
        cmd.env = QStringList { QStringLiteral("GREETING=hello-restart") };
        auto first = onEngineAsync<ProcessInfo>(
            *m_fx.engine, [this, cmd](Engine &e, Callback<ProcessInfo> done) {
                e.spawn(m_sandbox.id, cmd, QStringLiteral("server"), std::move(done));
            });
        QVERIFY2(first, first ? "" : qPrintable(first.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(row(first->id).has_value(), kWaitMs);
        m_page->selectProcess(first->id);
        QTRY_COMPARE_WITH_TIMEOUT(selectedId(), first->id, kWaitMs);
        m_page->actions().restart()->trigger();
        // The old one ends; a new one, selected, runs the same thing.
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(first->id), QStringLiteral("killed"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(selectedId() != first->id && !selectedId().isEmpty(), kWaitMs);
        const auto fresh = m_page->currentProcess();
        QCOMPARE(fresh->argv, cmd.argv);
        QCOMPARE(fresh->name, QStringLiteral("server"));
        QCOMPARE(processStateName(fresh->state), QStringLiteral("running"));
        QTRY_VERIFY_WITH_TIMEOUT(m_page->logView()->toPlainText().contains(
                                     QLatin1String("run in /var with hello-restart")),
            kWaitMs);
    }

    void copyCommandAndIdPutPlainTextOnTheClipboard()
    {
        const ProcessInfo p = spawn(QStringLiteral("echo it's here; exec sleep 100000"));
        QTRY_VERIFY_WITH_TIMEOUT(row(p.id).has_value(), kWaitMs);
        m_page->selectProcess(p.id);
        QTRY_COMPARE_WITH_TIMEOUT(selectedId(), p.id, kWaitMs);
        m_page->actions().copyId()->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(), p.id);
        m_page->actions().copyCommand()->trigger();
        QCOMPARE(QGuiApplication::clipboard()->text(),
            QStringLiteral("/bin/sh -c 'echo it'\\''s here; exec sleep 100000'"));
    }

    void theFilterMatchesCommandIdAndStateAndSelectionMapsThrough()
    {
        QAbstractItemModelTester tester(
            &m_page->shown(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        const ProcessInfo marked = spawn(QStringLiteral("echo only-this-one; exec sleep 100001"));
        QTRY_VERIFY_WITH_TIMEOUT(row(marked.id).has_value(), kWaitMs);
        QTest::keyClicks(m_page->filterEdit(), QStringLiteral("100001"));
        QTRY_COMPARE(m_page->shown().rowCount(), 1);
        m_page->table()->selectRow(0);
        QCOMPARE(selectedId(), marked.id); // the shown row, not the model's row 0
        QTRY_VERIFY_WITH_TIMEOUT(
            m_page->logView()->toPlainText().contains(QLatin1String("only-this-one")), kWaitMs);
        m_page->filterEdit()->setText(marked.id.toUpper());
        QCOMPARE(m_page->shown().rowCount(), 1);
        m_page->filterEdit()->setText(QStringLiteral("killed"));
        QVERIFY(m_page->shown().rowCount() >= 2);
        for (int r = 0; r < m_page->shown().rowCount(); ++r)
            QCOMPARE(m_page->shown().index(r, ProcessListModel::State).data().toString(),
                QStringLiteral("killed"));
        m_page->filterEdit()->clear();
        QCOMPARE(m_page->shown().rowCount(), m_page->model().rowCount());
    }

    void idsSortAsNumbers()
    {
        while (m_page->model().rowCount()
            < 11) // p10 and p11 exist: text order would put them before p2
            spawn(QStringLiteral("true"));
        QTRY_VERIFY_WITH_TIMEOUT(m_page->model().rowCount() >= 11, kWaitMs);
        m_page->table()->sortByColumn(ProcessListModel::Id, Qt::AscendingOrder);
        QList<int> ids;
        for (int r = 0; r < m_page->shown().rowCount(); ++r)
            ids << m_page->shown().index(r, ProcessListModel::Id).data().toString().mid(1).toInt();
        QVERIFY2(std::is_sorted(ids.begin(), ids.end()), qPrintable(QString::number(ids.first())));
        m_page->table()->sortByColumn(ProcessListModel::Id, Qt::DescendingOrder);
        QCOMPARE(m_page->shown().index(0, ProcessListModel::Id).data().toString(),
            QStringLiteral("p%1").arg(ids.last()));
        m_page->table()->selectRow(0);
        QCOMPARE(selectedId(), QStringLiteral("p%1").arg(ids.last()));
    }

    void runCommandIsOffWhileTheSandboxIsStopped()
    {
        auto stopped = onEngineAsync<SandboxInfo>(
            *m_fx.engine,
            [this](Engine &e, Callback<SandboxInfo> done) {
                e.stopSandbox(m_sandbox.id, std::move(done));
            },
            60000);
        QVERIFY2(stopped, stopped ? "" : qPrintable(stopped.error().message));
        QTRY_VERIFY_WITH_TIMEOUT(!m_page->runCommandButton()->isEnabled(), kWaitMs);
        m_page->runCommand();
        QVERIFY(!m_page->findChild<RunCommandDialog *>());
    }

    void everyControlIsNamedAndFitsIn800x500()
    {
        // At 800×500 the sandbox list and the tab bar take some of the
        // window: the tab itself must work in what is left, ~560×400.
        const QSize least = m_page->minimumSizeHint();
        qInfo("the Processes tab needs at least %dx%d; the whole window %dx%d", least.width(),
            least.height(), m_fx.window->minimumSizeHint().width(),
            m_fx.window->minimumSizeHint().height());
        QVERIFY2(least.width() <= 560 && least.height() <= 400,
            qPrintable(QStringLiteral("%1x%2").arg(least.width()).arg(least.height())));
        m_page->setParent(nullptr); // alone, at that size
        m_page->resize(560, 400);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page));
        const QList<QWidget *> controls { m_page->filterEdit(), m_page->runCommandButton(),
            m_page->table(), m_page->logView(), m_page->log()->loadEarlierButton(),
            m_page->findChild<QPushButton *>() };
        for (QWidget *w : controls) {
            QVERIFY2(!w->accessibleName().isEmpty(), w->metaObject()->className());
            QVERIFY2(!w->isVisible()
                    || m_page->rect().contains(QRect(w->mapTo(m_page, QPoint(0, 0)), w->size())),
                qPrintable(QStringLiteral("%1 is cut off").arg(w->accessibleName())));
        }
        QVERIFY(m_page->table()->height() >= 60);
        QVERIFY(m_page->logView()->height() >= 100);
        m_page->hide();
        m_page->setParent(m_fx.window->tabs());
    }
};

QTEST_MAIN(TstProcessesPage)
#include "tst_processes_page.moc"
