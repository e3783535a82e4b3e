// Uploads from the desktop into a sandbox and saves back to the host, over
// a real engine and sandbox: any size (past the old 512 MiB cap), streamed
// without stalling the UI thread, and a failure that says what and why.
#include "engine_calls.h"
#include "test_support.h"
#include "ui_stall_probe.h"

#include "engine_bridge.h"
#include "files/file_tree_model.h"
#include "pages/files_page.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QFile>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QLabel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace paddock;
using namespace paddock::test;
using namespace paddock::ui;

class TstFilesTransfer : public QObject {
    Q_OBJECT

    std::unique_ptr<TestDataDir> m_data;
    std::unique_ptr<EngineBridge> m_engine;
    std::unique_ptr<FilesPage> m_page;
    QTemporaryDir m_host;

    CliRun sh(const QString &script)
    {
        return runCli(m_data->paths().dataDir(), { QStringLiteral("exec"), QStringLiteral("xfer"), QStringLiteral("--"), QStringLiteral("sh"),
                                                   QStringLiteral("-c"), script });
    }
    bool shows(const QString &path) { return m_page->model().indexOf(path).isValid(); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_data = std::make_unique<TestDataDir>();
        m_engine = std::make_unique<EngineBridge>();
        auto opened = m_engine->open(m_data->paths());
        QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
        const Result<SandboxInfo> created = onEngine<SandboxInfo>(*m_engine, [](Engine &e) {
            return e.createSandbox(SandboxSpec { QStringLiteral("xfer") });
        });
        QVERIFY2(created, created ? "" : qPrintable(created.error().message));
        QCOMPARE(sh(QStringLiteral("touch /root/here")).exitCode, 0);
        m_page = std::make_unique<FilesPage>(*m_engine);
        m_page->resize(800, 500);
        m_page->show();
        m_page->showSandbox(*created);
        QVERIFY(QTest::qWaitFor([&] { return shows(QStringLiteral("/root/here")); }, kWaitMs));
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_engine.reset();
        m_data.reset();
    }

    void aFileLargerThan512MiBUploadsWithoutStallingTheWindow()
    {
        constexpr qint64 kSize = 600ll * 1024 * 1024;
        QFile big(m_host.filePath(QStringLiteral("big.bin")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(kSize - 4)); // sparse: cheap to make, read as it comes
        QVERIFY(big.seek(kSize - 4));
        big.write("END\n");
        big.close();
        UiStallProbe probe;
        probe.start();
        m_page->upload(QStringLiteral("/root"), { big.fileName() });
        // Put in place by a rename at the end: it shows once it is whole.
        const bool arrived = QTest::qWaitFor([&] { return shows(QStringLiteral("/root/big.bin")) || m_page->notice()->isVisible(); }, 240000);
        probe.stop();
        qInfo("600 MiB upload: worst UI stall %s, %s after %lld ms", qPrintable(probe.figures()), arrived ? "arrived" : "NOT arrived", probe.elapsedMs());
        QVERIFY2(!m_page->notice()->isVisible(), qPrintable(m_page->notice()->text()));
        QVERIFY(arrived);
        QCOMPARE(sh(QStringLiteral("stat -c %s /root/big.bin; tail -c 4 /root/big.bin")).out, QByteArray("629145600\nEND\n"));
        QVERIFY2(probe.failure().isEmpty(), qPrintable(probe.failure()));
        QCOMPARE(sh(QStringLiteral("rm /root/big.bin")).exitCode, 0);
    }

    void savingToTheHostStreamsTheWholeFile()
    {
        QCOMPARE(sh(QStringLiteral("head -c 20000000 /dev/zero > /root/out.bin; echo tail >> /root/out.bin")).exitCode, 0);
        const QString target = m_host.filePath(QStringLiteral("out.bin"));
        m_page->saveToHost(QStringLiteral("/root/out.bin"), target);
        QVERIFY(QTest::qWaitFor([&] { return QFileInfo(target).size() == 20000005; }, kWaitMs));
        QFile out(target);
        QVERIFY(out.open(QIODevice::ReadOnly));
        QVERIFY(out.seek(20000000));
        QCOMPARE(out.readAll(), QByteArray("tail\n"));
    }

    // At 800×500 the tree and the viewer both stay usable, and the
    // controls say what they are to assistive technology.
    void theTabWorksAt800x500WithNamedControls()
    {
        QCOMPARE(m_page->size(), QSize(800, 500));
        QVERIFY(m_page->tree()->isVisible() && m_page->tree()->width() >= 200 && m_page->tree()->height() >= 200);
        QVERIFY(m_page->editor()->isVisible() && m_page->editor()->width() >= 200);
        for (QWidget *w : m_page->findChildren<QWidget *>()) {
            if (!w->isVisible() || qobject_cast<QHeaderView *>(w) || !(qobject_cast<QLineEdit *>(w) || qobject_cast<QAbstractItemView *>(w) || qobject_cast<QPlainTextEdit *>(w)
                                     || qobject_cast<QAbstractButton *>(w)))
                continue;
            const auto *button = qobject_cast<QAbstractButton *>(w);
            QVERIFY2(!w->accessibleName().isEmpty() || (button && !button->text().isEmpty()), w->metaObject()->className());
        }
    }

    void uploadingAFolderSaysWhy()
    {
        m_page->notice()->hide();
        m_page->upload(QStringLiteral("/root"), { m_host.path() });
        QVERIFY(QTest::qWaitFor([&] { return m_page->notice()->isVisible(); }, kWaitMs));
        QVERIFY2(m_page->notice()->text().contains(QLatin1String("not a file")), qPrintable(m_page->notice()->text()));
        QVERIFY(m_page->notice()->text().contains(m_host.path()));
    }
};

QTEST_MAIN(TstFilesTransfer)
#include "tst_files_transfer.moc"
