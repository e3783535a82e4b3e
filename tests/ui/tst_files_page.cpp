// The Files tab over a real engine and sandbox: the tree follows changes
// made from `paddock exec` with no user action, directories load when
// opened, and the editor saves back, asking first when the file changed
// underneath it. A model tester checks every update.
#include "engine_calls.h"
#include "test_support.h"

#include "engine_bridge.h"
#include "files/file_tree_model.h"
#include "pages/files_page.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QTemporaryDir>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QUuid>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

namespace {
const QByteArray kCanary = "pdk-canary-" + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
}

class TstFilesPage : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDataDir> m_data;
    std::unique_ptr<EngineBridge> m_engine;
    std::unique_ptr<FilesPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    CliRun sh(const QString &script)
    {
        return runCli(m_data->paths().dataDir(), { QStringLiteral("exec"), QStringLiteral("ft"), QStringLiteral("--"), QStringLiteral("sh"),
                                        QStringLiteral("-c"), script });
    }
    bool shows(const QString &path) { return m_page->model().indexOf(path).isValid(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qputenv("PADDOCK_CANARY", kCanary); // as a user's shell holds API keys
        m_data = std::make_unique<TestDataDir>();
        m_engine = std::make_unique<EngineBridge>();
        auto opened = m_engine->open(m_data->paths());
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        const Result<SandboxInfo> created = onEngine<SandboxInfo>(*m_engine, [](Engine &e) {
            return e.createSandbox(SandboxSpec { QStringLiteral("ft") });
        });
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        QVERIFY(sh(QStringLiteral("mkdir -p /root/project/src && echo 'int main;' > /root/project/src/main.c && echo hi > /root/notes.txt")).exitCode == 0);
        m_page = std::make_unique<FilesPage>(*m_engine);
        m_tester = std::make_unique<QAbstractItemModelTester>(&m_page->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        m_page->resize(900, 600);
        m_page->show();
        m_page->showSandbox(*created);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/notes.txt")); }, kWaitMs));
    }

    void cleanupTestCase()
    {
        m_tester.reset();
        m_page.reset();
        m_engine.reset();
        m_data.reset();
    }

    // A view asks for the root's listing as soon as it is shown; the model
    // holds it until the watch is in place, or a file made meanwhile would
    // never appear (this test's neighbour failed that way under load).
    void theRootIsListedOnlyOnceWatched()
    {
        FileTreeModel model;
        QSignalSpy wanted(&model, &FileTreeModel::listingWanted);
        QTreeView view;
        view.setModel(&model);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        model.fetchMore(QModelIndex());
        QVERIFY(!model.canFetchMore(QModelIndex()));
        QCOMPARE(wanted.size(), 0);
        model.releaseRoot();
        QCOMPARE(wanted.size(), 1);
        QCOMPARE(wanted.first().first().toString(), QStringLiteral("/root"));
        model.setRoot(QStringLiteral("/srv"));
        model.fetchMore(QModelIndex());
        QCOMPARE(wanted.size(), 1); // held again for the new root
    }

    void aFileCreatedByExecAppearsAndItsDeletionRemovesIt()
    {
        QVERIFY(!shows(QStringLiteral("/root/new.txt")));
        QCOMPARE(sh(QStringLiteral("echo fresh > /root/new.txt")).exitCode, 0);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/new.txt")); }, 5000));
        // The row's details follow the file, not only its name.
        QVERIFY(QTest::qWaitFor([&] {
            const QModelIndex row = m_page->model().indexOf(QStringLiteral("/root/new.txt"));
            return m_page->model().infoAt(row).size == 6;
        }, 5000));
        QCOMPARE(sh(QStringLiteral("rm /root/new.txt")).exitCode, 0);
        QVERIFY(QTest::qWaitFor([&] { return !shows(QStringLiteral("/root/new.txt")); }, 5000));
    }

    void directoriesLoadWhenOpenedAndThenFollowChanges()
    {
        const QModelIndex project = m_page->model().indexOf(QStringLiteral("/root/project"));
        QVERIFY(project.isValid());
        m_page->tree()->expand(project);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/project/src")); }, 5000));
        m_page->tree()->expand(m_page->model().indexOf(QStringLiteral("/root/project/src")));
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/project/src/main.c")); }, 5000));
        QCOMPARE(sh(QStringLiteral("touch /root/project/src/util.c && mv /root/project/src/main.c /root/project/src/app.c")).exitCode, 0);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/project/src/app.c")) && shows(QStringLiteral("/root/project/src/util.c")); }, 5000));
        QVERIFY(!shows(QStringLiteral("/root/project/src/main.c")));
        // Rows stay sorted: directories first, then names.
        const QModelIndex src = m_page->model().indexOf(QStringLiteral("/root/project/src"));
        QCOMPARE(m_page->model().index(0, 0, src).data().toString(), QStringLiteral("app.c"));
    }

    void editAndSaveBack()
    {
        m_page->openFile(QStringLiteral("/root/notes.txt"));
        QVERIFY(QTest::qWaitFor([&] { return m_page->editor()->toPlainText() == QLatin1String("hi\n"); }, 5000));
        m_page->editor()->setPlainText(QStringLiteral("edited in the app\n"));
        m_page->save();
        QVERIFY(QTest::qWaitFor([&] { return sh(QStringLiteral("cat /root/notes.txt")).out == "edited in the app\n"; }, 5000));
        QTest::qWait(200); // the save's own change event must not be taken for someone else's
        QVERIFY(m_page->notice()->isHidden());
    }

    // An edited file the sandbox changes underneath: the conflict shows,
    // the edits stay, and saving asks before overwriting.
    void savingOverAChangedFileAsksFirst()
    {
        m_page->openFile(QStringLiteral("/root/notes.txt"));
        QVERIFY(QTest::qWaitFor([&] { return m_page->editor()->toPlainText() == QLatin1String("edited in the app\n"); }, 5000));
        m_page->editor()->selectAll();
        QTest::keyClicks(m_page->editor(), QStringLiteral("my version"));
        QVERIFY(m_page->hasUnsavedChanges());
        QTest::qWait(20); // a different mtime
        QCOMPARE(sh(QStringLiteral("echo 'changed by the agent' > /root/notes.txt")).exitCode, 0);
        QVERIFY(QTest::qWaitFor([&] { return m_page->conflictBar()->isVisible(); }, 5000));
        QCOMPARE(m_page->editor()->toPlainText(), QStringLiteral("my version"));
        bool asked = false;
        // The question runs its own event loop: answer it from a timer.
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                asked = true;
                answer.stop();
                box->button(QMessageBox::No)->click();
            }
        });
        answer.start(20);
        m_page->save();
        QVERIFY(QTest::qWaitFor([&] { return asked; }, 5000));
        QTest::qWait(200);
        QCOMPARE(sh(QStringLiteral("cat /root/notes.txt")).out, QByteArray("changed by the agent\n"));
        QCOMPARE(m_page->editor()->toPlainText(), QStringLiteral("my version"));
        m_page->editor()->document()->setModified(false); // leave nothing for the next test to ask about
    }

    void filesDroppedFromTheDesktopAreUploaded()
    {
        QTemporaryDir host;
        QFile f(host.filePath(QStringLiteral("dropped.txt")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("from the desktop\n");
        f.close();
        const QModelIndex project = m_page->model().indexOf(QStringLiteral("/root/project"));
        const QPoint onProject = m_page->tree()->visualRect(project).center();
        QMimeData mime;
        mime.setUrls({ QUrl::fromLocalFile(f.fileName()) });
        // As a drag from a file manager arrives: enter, then drop.
        QDragEnterEvent enter(onProject, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_page->tree()->viewport(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(onProject, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(m_page->tree()->viewport(), &drop);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/project/dropped.txt")); }, 5000));
        QCOMPARE(sh(QStringLiteral("cat /root/project/dropped.txt")).out, QByteArray("from the desktop\n"));
    }

    void folderRenameDeleteAndSaveToHost()
    {
        m_page->makeFolder(QStringLiteral("/root/made/by/app"));
        QVERIFY(QTest::qWaitFor([&] { return sh(QStringLiteral("test -d /root/made/by/app")).exitCode == 0; }, 5000));
        m_page->rename(QStringLiteral("/root/made"), QStringLiteral("/root/renamed"));
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/renamed")) && !shows(QStringLiteral("/root/made")); }, 5000));
        m_page->remove(QStringLiteral("/root/renamed"));
        QVERIFY(QTest::qWaitFor([&] { return !shows(QStringLiteral("/root/renamed")); }, 5000));
        QTemporaryDir host;
        const QString target = host.filePath(QStringLiteral("copy.c"));
        m_page->saveToHost(QStringLiteral("/root/project/src/util.c"), target);
        QVERIFY(QTest::qWaitFor([&] { return QFile::exists(target); }, 5000));
    }

    void aSelectedFileIsReadyToBeDraggedOut()
    {
        QCOMPARE(sh(QStringLiteral("echo 'for the desktop' > /root/project/src/util.c")).exitCode, 0);
        const QModelIndex util = m_page->model().indexOf(QStringLiteral("/root/project/src/util.c"));
        QVERIFY(util.isValid());
        QTest::qWait(100); // the change's event first: a copy must be of the new content
        m_page->tree()->setCurrentIndex(util);
        QString host;
        QVERIFY(QTest::qWaitFor([&] { return !(host = m_page->tree()->hostCopyOf(util)).isEmpty(); }, 5000));
        QVERIFY(host.endsWith(QLatin1String("/util.c")));
        QFile copy(host);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        QCOMPARE(copy.readAll(), QByteArray("for the desktop\n"));
    }

    // Opening or saving a file shows the engine's environment nowhere,
    // whatever link the sandbox made to the files helper's own /proc entries.
    void aLinkToTheHelpersEnvironShowsNoSecret()
    {
        QCOMPARE(sh(QStringLiteral("ln -sfn /proc/self/environ /root/leak; ln -sfn /proc/thread-self /root/leak-dir")).exitCode, 0);
        // environ is NUL-separated, so the viewer would call it binary and
        // hide it; saving to the host writes whatever was read.
        QTemporaryDir host;
        const QString target = host.filePath(QStringLiteral("leak"));
        m_page->notice()->hide();
        m_page->saveToHost(QStringLiteral("/root/leak"), target);
        QVERIFY(QTest::qWaitFor([&] { return QFile::exists(target) || m_page->notice()->text().contains(QLatin1String("Cannot save")); }, kWaitMs));
        QFile saved(target);
        QVERIFY2(!saved.open(QIODevice::ReadOnly) || !saved.readAll().contains(kCanary), "the engine's environment was saved to the host");
        QVERIFY2(m_page->notice()->text().contains(QLatin1String("own /proc entries")), qPrintable(m_page->notice()->text()));
        for (const char *path : { "/root/leak", "/root/leak-dir/environ", "/proc/self/environ" }) {
            m_page->editor()->setPlainText(QStringLiteral("before"));
            m_page->notice()->hide();
            m_page->openFile(QString::fromLatin1(path));
            // Its answer: content, or a notice naming the path (not a stale one).
            QVERIFY2(QTest::qWaitFor([&] {
                return m_page->editor()->toPlainText() != QLatin1String("before")
                    || (m_page->notice()->isVisible() && m_page->notice()->text().contains(QLatin1String(path)));
            }, kWaitMs), path);
            QVERIFY2(!m_page->editor()->toPlainText().contains(QLatin1String(kCanary)), path);
            QVERIFY2(!m_page->notice()->text().contains(QLatin1String(kCanary)), path);
            QVERIFY2(m_page->notice()->text().contains(QLatin1String("own /proc entries")), qPrintable(m_page->notice()->text()));
        }
    }

    // A link's size is its target's name: the viewer reads a bounded start
    // of whatever it leads to, says so, and never saves that part back.
    void aLongFileShowsOnlyItsStart()
    {
        QCOMPARE(sh(QStringLiteral("yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 20971520 > /root/big; "
                                   "ln -sfn /root/big /root/big-link")).exitCode, 0);
        m_page->notice()->hide();
        m_page->openFile(QStringLiteral("/root/big-link"));
        QVERIFY2(QTest::qWaitFor([&] { return m_page->notice()->isVisible() && m_page->notice()->text().contains(QLatin1String("Showing the first")); }, kWaitMs),
                 qPrintable(m_page->notice()->text()));
        QCOMPARE(m_page->editor()->toPlainText().size(), 16 * 1024 * 1024);
        QVERIFY(m_page->editor()->isReadOnly());
        m_page->save(); // refused: nothing is written
        QCOMPARE(sh(QStringLiteral("wc -c < /root/big")).out.trimmed(), QByteArray("20971520"));
        QCOMPARE(sh(QStringLiteral("rm /root/big /root/big-link")).exitCode, 0);
    }

    void screenshot()
    {
        QDir().mkpath(QStringLiteral(PADDOCK_SCREENSHOT_DIR));
        QVERIFY(m_page->grab().save(QStringLiteral(PADDOCK_SCREENSHOT_DIR "/files-page.png")));
    }
};

QTEST_MAIN(TstFilesPage)
#include "tst_files_page.moc"
