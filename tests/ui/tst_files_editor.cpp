// The Files tab never loses work, through the real window over a real
// sandbox: Delete in the tree asks about the selected file (never the
// sandbox), unsaved edits survive opening another file until the person
// decides, Ctrl+S saves, Save is off with nothing to save, and changes made
// inside the sandbox reload a clean file and flag an edited one.
//
// Written against widgets a person sees (buttons by their text, dialogs by
// QApplication::activeModalWidget), so it runs against older pages too.
#include "engine_calls.h"
#include "test_support.h"
#include "ui_stall_probe.h"
#include "window_fixture.h"
#include "window_test_helpers.h"
#include "webengine_test_setup.h"

#include "files/file_tree_model.h"
#include "pages/files_page.h"

#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QTreeView>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstFilesEditor : public QObject {
    Q_OBJECT

    WindowFixture m_fx;
    FilesPage *m_page = nullptr;
    QString m_sandboxId;
    QString m_lastQuestion; // the text of the last dialog answered

    FileTreeModel &model() { return m_page->model(); }
    bool shows(const QString &path) { return model().indexOf(path).isValid(); }
    CliRun sh(const QString &script)
    {
        return runCli(m_fx.data->paths().dataDir(), { QStringLiteral("exec"), m_sandboxId, QStringLiteral("--"), QStringLiteral("sh"),
                                                      QStringLiteral("-c"), script });
    }
    QByteArray cat(const QString &path) { return sh(QStringLiteral("cat ") + path).out; }
    QPushButton *button(const QString &text)
    {
        for (QPushButton *b : m_page->findChildren<QPushButton *>())
            if (b->text() == text)
                return b;
        return nullptr;
    }
    bool loaded(const QString &text) { return m_page->editor()->toPlainText() == text; }
    // Answers the next message box with `which` once it shows, remembering its text.
    void answerNext(QMessageBox::StandardButton which)
    {
        m_lastQuestion.clear();
        poll(which, ++m_answerSerial);
    }
    void poll(QMessageBox::StandardButton which, int serial)
    {
        QTimer::singleShot(20, this, [this, which, serial] {
            if (serial != m_answerSerial)
                return; // a later answer replaced this one
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return poll(which, serial); // not shown yet
            m_lastQuestion = box->text();
            box->button(which)->click();
        });
    }
    int m_answerSerial = 0;
    void openAndWait(const QString &path, const QString &content)
    {
        m_page->openFile(path);
        QVERIFY2(QTest::qWaitFor([&] { return loaded(content); }, kWaitMs), qPrintable(m_page->editor()->toPlainText()));
        QTest::qWait(100); // the load's answer is in: typing now is typing into this file
    }
    void typeInEditor(const QString &text)
    {
        m_fx.window->activateWindow(); // a question answered before may have had it
        QVERIFY(QTest::qWaitForWindowActive(m_fx.window.get()));
        m_page->editor()->setFocus();
        m_page->editor()->moveCursor(QTextCursor::End);
        QTest::keyClicks(m_page->editor(), text);
    }

public:
    static void initMain() { prepareWebEngineForTests(); }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp();
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        const Result<SandboxInfo> created = onEngine<SandboxInfo>(*m_fx.engine, [](Engine &e) {
            return e.createSandbox(SandboxSpec { QStringLiteral("edits") });
        });
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        m_sandboxId = created->id;
        QCOMPARE(sh(QStringLiteral("printf 'one\\n' > /root/a.txt && printf 'two\\n' > /root/b.txt && printf 'bye\\n' > /root/victim.txt")).exitCode, 0);
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->sandboxes().rowOf(m_sandboxId) >= 0; }, kWaitMs));
        m_fx.window->sandboxView()->selectRow(m_fx.window->sandboxes().rowOf(m_sandboxId));
        for (int i = 0; i < m_fx.window->tabs()->count() && !m_page; ++i)
            m_page = qobject_cast<FilesPage *>(m_fx.window->tabs()->widget(i));
        QVERIFY(m_page);
        m_fx.window->tabs()->setCurrentWidget(m_page);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/victim.txt")); }, kWaitMs));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void deleteInTheTreeAsksAboutTheFileNeverTheSandbox()
    {
        QTreeView *tree = m_page->tree();
        tree->setCurrentIndex(model().indexOf(QStringLiteral("/root/victim.txt")));
        tree->setFocus();
        QVERIFY(QTest::qWaitFor([&] { return tree->hasFocus(); }, 5000));
        answerNext(QMessageBox::No);
        QTest::keyClick(tree, Qt::Key_Delete);
        QVERIFY2(QTest::qWaitFor([&] { return !m_lastQuestion.isEmpty(); }, 5000), "Delete in the tree asked nothing");
        QVERIFY2(m_lastQuestion.contains(QLatin1String("/root/victim.txt")), qPrintable(m_lastQuestion));
        QVERIFY2(!m_lastQuestion.contains(QLatin1String("sandbox")), qPrintable(m_lastQuestion));
        QTest::qWait(300);
        QCOMPARE(cat(QStringLiteral("/root/victim.txt")), QByteArray("bye\n")); // No kept it
        QVERIFY(m_fx.window->sandboxes().rowOf(m_sandboxId) >= 0);
        m_fx.window->activateWindow(); // the question had it
        QVERIFY(QTest::qWaitForWindowActive(m_fx.window.get()));
        tree->setFocus();
        answerNext(QMessageBox::Yes);
        QTest::keyClick(tree, Qt::Key_Delete);
        QVERIFY(QTest::qWaitFor([&] { return !shows(QStringLiteral("/root/victim.txt")); }, kWaitMs));
        QCOMPARE(sh(QStringLiteral("test -e /root/victim.txt")).exitCode, 1);
        QVERIFY2(m_fx.window->sandboxes().rowOf(m_sandboxId) >= 0, "the sandbox went");
    }

    void saveIsOffWithNothingToSave()
    {
        QPushButton *save = button(QStringLiteral("Save"));
        QVERIFY(save);
        QVERIFY2(!save->isEnabled(), "Save is enabled with nothing open");
        openAndWait(QStringLiteral("/root/a.txt"), QStringLiteral("one\n"));
        QVERIFY2(!save->isEnabled(), "Save is enabled with nothing changed");
        typeInEditor(QStringLiteral("x"));
        QVERIFY(save->isEnabled());
        m_page->editor()->undo();
        QVERIFY(QTest::qWaitFor([&] { return !save->isEnabled(); }, 1000));
    }

    // A line laid out costs more than linearly in its length (1 MB: ~50 s):
    // such a file says so instead of freezing the window.
    void aFileWithAHugeLineIsNotLaidOut()
    {
        QCOMPARE(sh(QStringLiteral("head -c 1000000 /dev/zero | tr '\\0' A > /root/long.txt")).exitCode, 0);
        UiStallProbe probe;
        probe.start();
        m_page->openFile(QStringLiteral("/root/long.txt"));
        QVERIFY2(QTest::qWaitFor([&] { return m_page->editor()->toPlainText().contains(QLatin1String("too long to show")); },
                                 kWaitMs),
                 qPrintable(m_page->editor()->toPlainText().left(200)));
        probe.stop();
        qInfo("opening a file with a 1 MB line: worst UI stall %s", qPrintable(probe.figures()));
        QVERIFY(m_page->editor()->isReadOnly());
        QVERIFY2(probe.failure().isEmpty(), qPrintable(probe.failure()));
    }

    void unsavedEditsSurviveOpeningAnotherFileUntilTheUserDecides()
    {
        openAndWait(QStringLiteral("/root/a.txt"), QStringLiteral("one\n"));
        typeInEditor(QStringLiteral("edited"));
        const QString edited = m_page->editor()->toPlainText();
        answerNext(QMessageBox::Cancel);
        m_page->openFile(QStringLiteral("/root/b.txt"));
        QVERIFY2(QTest::qWaitFor([&] { return !m_lastQuestion.isEmpty(); }, 5000), "opening another file asked nothing");
        QVERIFY2(m_lastQuestion.contains(QLatin1String("/root/a.txt")), qPrintable(m_lastQuestion));
        QTest::qWait(500); // had it opened b.txt, it would show by now
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        QCOMPARE(cat(QStringLiteral("/root/a.txt")), QByteArray("one\n"));
        answerNext(QMessageBox::Discard);
        m_page->openFile(QStringLiteral("/root/b.txt"));
        QVERIFY(QTest::qWaitFor([&] { return loaded(QStringLiteral("two\n")); }, kWaitMs));
        QCOMPARE(cat(QStringLiteral("/root/a.txt")), QByteArray("one\n"));
    }

    void ctrlSSavesToTheSandbox()
    {
        openAndWait(QStringLiteral("/root/a.txt"), QStringLiteral("one\n"));
        typeInEditor(QStringLiteral("saved by keys"));
        QTest::keySequence(m_page->editor(), QKeySequence::Save);
        QVERIFY2(QTest::qWaitFor([&] { return cat(QStringLiteral("/root/a.txt")) == "one\nsaved by keys"; }, 10000),
                 cat(QStringLiteral("/root/a.txt")).constData());
        QVERIFY(QTest::qWaitFor([&] { return !m_page->editor()->document()->isModified(); }, 5000));
    }

    void aCleanFileReloadsWhenTheSandboxChangesIt()
    {
        openAndWait(QStringLiteral("/root/b.txt"), QStringLiteral("two\n"));
        QTest::qWait(20); // a different mtime
        QCOMPARE(sh(QStringLiteral("printf 'two, by the agent\\n' > /root/b.txt")).exitCode, 0);
        QVERIFY2(QTest::qWaitFor([&] { return loaded(QStringLiteral("two, by the agent\n")); }, 10000),
                 qPrintable(m_page->editor()->toPlainText()));
    }

    void anEditedFileShowsTheConflictAndKeepsTheEdits()
    {
        openAndWait(QStringLiteral("/root/b.txt"), QStringLiteral("two, by the agent\n"));
        typeInEditor(QStringLiteral("mine"));
        const QString edited = m_page->editor()->toPlainText();
        QTest::qWait(20);
        QCOMPARE(sh(QStringLiteral("printf 'theirs\\n' > /root/b.txt")).exitCode, 0);
        QVERIFY2(QTest::qWaitFor([&] {
            QPushButton *keep = button(QStringLiteral("Keep mine"));
            return keep && keep->isVisible();
        }, 10000), "no conflict shown");
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        button(QStringLiteral("Keep mine"))->click();
        // Saving now asks before overwriting what the sandbox wrote.
        answerNext(QMessageBox::No);
        QTest::keySequence(m_page->editor(), QKeySequence::Save);
        QVERIFY2(QTest::qWaitFor([&] { return !m_lastQuestion.isEmpty(); }, 10000), "saving over the sandbox's version asked nothing");
        QVERIFY(m_lastQuestion.contains(QLatin1String("/root/b.txt")));
        QCOMPARE(cat(QStringLiteral("/root/b.txt")), QByteArray("theirs\n"));
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        m_page->editor()->document()->setModified(false); // nothing left to ask about at teardown
    }

    // Selecting another sandbox is leaving the file too.
    void switchingSandboxWithUnsavedEditsAsksFirst()
    {
        const Result<SandboxInfo> other = onEngine<SandboxInfo>(*m_fx.engine, [](Engine &e) {
            return e.createSandbox(SandboxSpec { QStringLiteral("other") });
        });
        QVERIFY2(other, other ? "" : qPrintable(other.error().message));
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->sandboxes().rowOf(other->id) >= 0; }, kWaitMs));
        openAndWait(QStringLiteral("/root/a.txt"), QStringLiteral("one\nsaved by keys"));
        typeInEditor(QStringLiteral("!"));
        const QString edited = m_page->editor()->toPlainText();
        answerNext(QMessageBox::Cancel);
        m_fx.window->sandboxView()->selectRow(m_fx.window->sandboxes().rowOf(other->id));
        QVERIFY2(QTest::qWaitFor([&] { return !m_lastQuestion.isEmpty(); }, 5000), "switching sandbox asked nothing");
        QVERIFY(m_lastQuestion.contains(QLatin1String("/root/a.txt")));
        QCOMPARE(m_fx.window->selectedSandbox()->id, m_sandboxId);
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        answerNext(QMessageBox::Discard);
        m_fx.window->sandboxView()->selectRow(m_fx.window->sandboxes().rowOf(other->id));
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->selectedSandbox()->id == other->id; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return m_page->editor()->toPlainText().isEmpty(); }, 5000));
    }

    // A stop from elsewhere (the CLI, an agent) cannot ask: the edits stay
    // in the editor, and save once the sandbox runs again.
    void aStopFromElsewhereKeepsTheEditsToSaveAfterAStart()
    {
        m_fx.window->sandboxView()->selectRow(m_fx.window->sandboxes().rowOf(m_sandboxId));
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->selectedSandbox()->id == m_sandboxId; }, 5000));
        openAndWait(QStringLiteral("/root/a.txt"), QStringLiteral("one\nsaved by keys"));
        typeInEditor(QStringLiteral(", kept"));
        const QString edited = m_page->editor()->toPlainText();
        QVERIFY(stopSandbox(*m_fx.engine, m_sandboxId));
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->selectedSandbox()->state == SandboxState::Stopped; }, kWaitMs));
        QTest::qWait(200); // whatever the page does with the stop, it has done
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        QVERIFY(m_page->editor()->document()->isModified());
        QVERIFY(!button(QStringLiteral("Save"))->isEnabled()); // nowhere to save to
        const Result<SandboxInfo> started = onEngine<SandboxInfo>(*m_fx.engine, [this](Engine &e) { return e.startSandbox(m_sandboxId); });
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QVERIFY(QTest::qWaitFor([&] { return button(QStringLiteral("Save"))->isEnabled(); }, kWaitMs));
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        QTest::keySequence(m_page->editor(), QKeySequence::Save);
        QVERIFY2(QTest::qWaitFor([&] { return cat(QStringLiteral("/root/a.txt")) == edited.toUtf8(); }, 10000),
                 cat(QStringLiteral("/root/a.txt")).constData());
        QVERIFY(QTest::qWaitFor([&] { return !m_page->editor()->document()->isModified(); }, 5000));
    }

    // Stopping clears the tab: the window asks first, as for switching.
    void stoppingWithUnsavedEditsAsksFirst()
    {
        m_fx.window->sandboxView()->selectRow(m_fx.window->sandboxes().rowOf(m_sandboxId));
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->selectedSandbox()->id == m_sandboxId; }, 5000));
        openAndWait(QStringLiteral("/root/a.txt"), QStringLiteral("one\nsaved by keys, kept"));
        typeInEditor(QStringLiteral("?"));
        const QString edited = m_page->editor()->toPlainText();
        m_lastQuestion.clear();
        answerNext(QMessageBox::Cancel);
        m_fx.window->stopSelected();
        QVERIFY2(QTest::qWaitFor([&] { return !m_lastQuestion.isEmpty(); }, 5000), "stopping asked nothing");
        QVERIFY(m_lastQuestion.contains(QLatin1String("/root/a.txt")));
        QCOMPARE(m_page->editor()->toPlainText(), edited);
        QCOMPARE(m_fx.window->selectedSandbox()->state, SandboxState::Running);
        answerNext(QMessageBox::Discard);
        m_fx.window->stopSelected();
        QVERIFY(QTest::qWaitFor([&] { return m_fx.window->selectedSandbox()->state == SandboxState::Stopped; }, kWaitMs));
    }
};

QTEST_MAIN(TstFilesEditor)
#include "tst_files_editor.moc"
