// FileTreeModel alone, fed as FilesPage feeds it (listings, watch events,
// snapshots), with a model tester checking every signal: batches land as
// sorted ranges in natural order, folders first, and the header sorts.
#include "files/file_tree_model.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QIcon>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <numeric>
#include <random>

using namespace paddock;
using namespace paddock::ui;

namespace {

FileInfo file(const QString &name, qint64 size = 0, FileKind kind = FileKind::File)
{
    FileInfo f;
    f.name = name;
    f.kind = kind;
    f.size = size;
    f.modified = QDateTime::currentDateTimeUtc();
    return f;
}

FileEvent fileEvent(FileChange change, const QString &path, bool directory = false)
{
    return FileEvent { 0, change, path, {}, directory };
}

QStringList namesUnder(const FileTreeModel &model, const QModelIndex &parent = {})
{
    QStringList names;
    for (int row = 0; row < model.rowCount(parent); ++row)
        names << model.index(row, 0, parent).data().toString();
    return names;
}

// Turns the event loop as an application's does, without qWaitFor's 10 ms
// naps: a batch goes on turn after turn, a time slice each.
void settle(FileTreeModel &model)
{
    QElapsedTimer waited;
    waited.start();
    while (model.hasPendingChanges() && waited.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QVERIFY(!model.hasPendingChanges());
}

} // namespace

class TstFileTreeModel : public QObject {
    Q_OBJECT

    std::unique_ptr<FileTreeModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;

    void listRoot(const QList<FileInfo> &entries)
    {
        m_model->releaseRoot();
        m_model->setListing(QStringLiteral("/root"), entries);
        settle(*m_model);
    }

private Q_SLOTS:
    void init()
    {
        m_model = std::make_unique<FileTreeModel>();
        m_tester = std::make_unique<QAbstractItemModelTester>(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    }
    void cleanup()
    {
        m_tester.reset();
        m_model.reset();
    }

    void namesSortNaturallyWithFoldersFirst()
    {
        listRoot({ file(QStringLiteral("file10")), file(QStringLiteral("file2")), file(QStringLiteral("src"), 0, FileKind::Directory),
                   file(QStringLiteral("File1")), file(QStringLiteral("a.txt")) });
        QCOMPARE(namesUnder(*m_model), (QStringList { "src", "a.txt", "File1", "file2", "file10" }));
    }

    void eventsLandInBatchesAsRanges()
    {
        listRoot({ file(QStringLiteral("README")) });
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        QList<FileEvent> events;
        for (int i = 1; i <= 3000; ++i)
            events << fileEvent(FileChange::Created, QStringLiteral("/root/f%1").arg(i)) << fileEvent(FileChange::Modified, QStringLiteral("/root/f%1").arg(i));
        m_model->applyEvents(events);
        QCOMPARE(m_model->rowCount(), 1); // nothing per event
        settle(*m_model);
        QCOMPARE(m_model->rowCount(), 3001);
        QVERIFY2(inserted.size() <= 3, qPrintable(QString::number(inserted.size()))); // ranges, not rows
        QCOMPARE(m_model->index(1, 0).data().toString(), QStringLiteral("f2"));
    }

    // A first listing of 30,000 names in readdir's order goes in as a few
    // bounded ranges (a turn each, never one long one), contiguous and in
    // natural order; half of them removed, scattered, leave the same way.
    void aHugeListingAndScatteredRemovalsGoInBoundedRanges()
    {
        m_tester.reset(); // it rechecks every row on every range: too slow at this size
        constexpr int kNames = 30000;
        std::vector<int> order(kNames);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), std::mt19937(11));
        QList<FileInfo> entries;
        for (int i : order)
            entries << file(QStringLiteral("f%1").arg(i));
        QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
        listRoot(entries);
        QCOMPARE(m_model->rowCount(), kNames);
        QVERIFY2(inserted.size() >= kNames / 2000 && inserted.size() <= kNames / 2000 + 2, qPrintable(QString::number(inserted.size())));
        for (const QList<QVariant> &range : std::as_const(inserted))
            QVERIFY(range.at(2).toInt() - range.at(1).toInt() + 1 <= 2000);
        for (int row = 0; row < kNames; row += 997)
            QCOMPARE(m_model->index(row, 0).data().toString(), QStringLiteral("f%1").arg(row));

        QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
        QList<FileEvent> events;
        for (int i = 1; i < kNames; i += 2)
            events << fileEvent(FileChange::Deleted, QStringLiteral("/root/f%1").arg(i));
        m_model->applyEvents(events);
        settle(*m_model);
        QCOMPARE(m_model->rowCount(), kNames / 2);
        QCOMPARE(removed.size(), kNames / 2); // every other row: a range each, bottom-up
        QCOMPARE(removed.first().at(1).toInt(), kNames - 1);
        QCOMPARE(m_model->index(kNames / 2 - 1, 0).data().toString(), QStringLiteral("f%1").arg(kNames - 2));
    }

    void shuffledRemovalsAndCreationsKeepTheModelConsistent()
    {
        QList<FileInfo> entries;
        for (int i = 0; i < 2000; ++i)
            entries << file(QStringLiteral("n%1").arg(i));
        listRoot(entries);
        std::vector<int> order(2000);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), std::mt19937(7));
        QList<FileEvent> events;
        for (int i = 0; i < 1000; ++i)
            events << fileEvent(FileChange::Deleted, QStringLiteral("/root/n%1").arg(order[size_t(i)]));
        for (int i = 2000; i < 2500; ++i)
            events << fileEvent(FileChange::Created, QStringLiteral("/root/n%1").arg(i));
        events << fileEvent(FileChange::Created, QStringLiteral("/root/n2000")) << fileEvent(FileChange::Deleted, QStringLiteral("/root/n2001"));
        m_model->applyEvents(events);
        settle(*m_model);
        QCOMPARE(m_model->rowCount(), 2000 - 1000 + 500 - 1);
        QVERIFY(!m_model->indexOf(QStringLiteral("/root/n2001")).isValid());
        QVERIFY(m_model->indexOf(QStringLiteral("/root/n2499")).isValid());
    }

    // Only the rows a view paints ask for their size and time.
    void onlyPaintedRowsAskForDetails()
    {
        listRoot({});
        QList<FileEvent> events;
        for (int i = 0; i < 5000; ++i)
            events << fileEvent(FileChange::Created, QStringLiteral("/root/x%1").arg(i));
        QTreeView view;
        view.resize(400, 300);
        view.setModel(m_model.get());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy wanted(m_model.get(), &FileTreeModel::detailsWanted);
        m_model->applyEvents(events);
        settle(*m_model);
        QVERIFY(QTest::qWaitFor([&] { return !wanted.isEmpty(); }, 5000));
        QTest::qWait(50);
        qsizetype asked = 0;
        for (const auto &args : wanted)
            asked += args.first().toStringList().size();
        QVERIFY2(asked > 0 && asked < 200, qPrintable(QString::number(asked)));
        m_model->updateInfo(QStringLiteral("/root/x0"), file(QStringLiteral("x0"), 1234));
        settle(*m_model);
        QCOMPARE(m_model->infoAt(m_model->indexOf(QStringLiteral("/root/x0"))).size, 1234);
    }

    void theHeaderSortsBySizeAndKeepsFoldersFirst()
    {
        listRoot({ file(QStringLiteral("big"), 300), file(QStringLiteral("small"), 1), file(QStringLiteral("mid"), 20),
                   file(QStringLiteral("dir"), 0, FileKind::Directory) });
        const QPersistentModelIndex small = m_model->indexOf(QStringLiteral("/root/small"));
        m_model->sort(FileTreeModel::Size, Qt::DescendingOrder);
        QCOMPARE(namesUnder(*m_model), (QStringList { "dir", "big", "mid", "small" }));
        QCOMPARE(small.row(), 3); // a selection follows its row
        m_model->updateInfo(QStringLiteral("/root/small"), file(QStringLiteral("small"), 5000));
        settle(*m_model);
        QCOMPARE(namesUnder(*m_model), (QStringList { "dir", "small", "big", "mid" }));
        m_model->sort(FileTreeModel::Name, Qt::AscendingOrder);
        QCOMPARE(namesUnder(*m_model), (QStringList { "dir", "big", "mid", "small" }));
    }

    // Folders and files get icons (the theme's by MIME type, or the
    // style's where the theme has none), never a blank.
    void rowsHaveIcons()
    {
        listRoot({ file(QStringLiteral("src"), 0, FileKind::Directory), file(QStringLiteral("main.c")), file(QStringLiteral("photo.png")) });
        for (int row = 0; row < m_model->rowCount(); ++row)
            QVERIFY2(!m_model->index(row, 0).data(Qt::DecorationRole).value<QIcon>().isNull(), qPrintable(QString::number(row)));
        const QIcon folder = m_model->index(0, 0).data(Qt::DecorationRole).value<QIcon>();
        const QIcon source = m_model->index(1, 0).data(Qt::DecorationRole).value<QIcon>();
        QVERIFY(folder.cacheKey() != source.cacheKey());
    }

    // A folder nobody opened: its events cost a lookup and show nothing.
    void eventsBelowAnUnlistedFolderAreDropped()
    {
        listRoot({ file(QStringLiteral("closed"), 0, FileKind::Directory) });
        QList<FileEvent> events;
        for (int i = 0; i < 1000; ++i)
            events << fileEvent(FileChange::Created, QStringLiteral("/root/closed/f%1").arg(i));
        m_model->applyEvents(events);
        settle(*m_model);
        const QModelIndex closed = m_model->indexOf(QStringLiteral("/root/closed"));
        QCOMPARE(m_model->rowCount(closed), 0); // listed fresh when opened
    }
};

QTEST_MAIN(TstFileTreeModel)
#include "tst_file_tree_model.moc"
