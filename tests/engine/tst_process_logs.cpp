// Background processes' logs without a sandbox: paddock-init's writer
// (rotation, the sandbox's cap, output that cannot be written) against the
// engine's reader (parts in order, across rotations, and what was dropped),
// on a real directory. Small limits stand in for the real ones.
#include "process_logs.h"
#include "sandbox/log_reader.h"

#include "paddock/wire/messages.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/xattr.h>

using namespace paddock;
using paddock::init::LogLimits;
using paddock::init::ProcessLogs;

namespace {

// Output with a known byte at every offset: lines "%09d\n".
QByteArray output(qint64 bytes)
{
    QByteArray out;
    for (qint64 line = 0; out.size() < bytes; ++line)
        out += QByteArray::number(line).rightJustified(9, '0') + '\n';
    return out.left(bytes);
}

// What a reader delivered: data and gaps, in order.
struct Read {
    QByteArray data;
    QList<QPair<qint64, qint64>> gaps; // (offset in the process's output, bytes)
    qint64 position = 0;
    QString wrong; // a chunk that is not the process's output at its offset
};

} // namespace

class TstProcessLogs : public QObject {
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;

    UniqueFd dirFd() { return UniqueFd(::open(QFile::encodeName(m_dir->path()).constData(), O_DIRECTORY | O_RDONLY | O_CLOEXEC)); }
    QString path(const QString &name) const { return m_dir->path() + QLatin1Char('/') + name; }
    qint64 sizeOf(const QString &name) const { return QFileInfo(path(name)).size(); }

    qint64 onDisk() const
    {
        qint64 total = 0;
        for (const QFileInfo &f : QDir(m_dir->path()).entryInfoList(QDir::Files))
            total += f.size();
        return total;
    }

    QByteArray label(const QString &name) const
    {
        char buf[32] = {};
        ssize_t n = ::getxattr(QFile::encodeName(path(name)).constData(), wire::kLogStartAttribute, buf, sizeof buf);
        return n > 0 ? QByteArray(buf, int(n)) : QByteArray();
    }

    // Reads `procId`'s log, checking every byte against `all` (what the
    // process wrote). With `follow`, `whileFollowing` runs until it returns
    // false, then the process counts as ended.
    Read read(const QString &procId, const QByteArray &all, bool follow = false,
              std::function<bool()> whileFollowing = {})
    {
        Read r;
        auto *stream = new LogStream;
        auto *reader = new sandbox::LogReader(m_dir->path(), procId, follow, stream);
        bool done = false;
        connect(stream, &LogStream::data, this, [&](const QByteArray &bytes) {
            if (r.wrong.isEmpty() && all.mid(r.position, bytes.size()) != bytes)
                r.wrong = QStringLiteral("bytes at %1 are not the output's").arg(r.position);
            r.data += bytes;
            r.position += bytes.size();
        });
        connect(stream, &LogStream::dropped, this, [&](qint64 bytes) {
            r.gaps.append({ r.position, bytes });
            r.position += bytes;
        });
        connect(stream, &LogStream::finished, this, [&] { done = true; });
        if (follow) {
            QTimer step;
            connect(&step, &QTimer::timeout, this, [&] {
                if (!whileFollowing()) {
                    step.stop();
                    reader->processEnded();
                }
            });
            step.start(2);
            (void)QTest::qWaitFor([&] { return done; }, 60000);
        } else {
            (void)QTest::qWaitFor([&] { return done; }, 10000);
        }
        if (!done)
            r.wrong = QStringLiteral("the stream did not finish");
        return r;
    }

    // Reads a range of `procId`'s log (no following): where it started, and what came.
    struct RangeRead {
        qint64 offset = -1, earliest = -1;
        QByteArray data;
        qint64 dropped = 0;
        bool finished = false;
    };
    RangeRead readRange(const QString &procId, const LogRange &range)
    {
        RangeRead r;
        auto *stream = new LogStream;
        new sandbox::LogReader(m_dir->path(), procId, false, stream, range);
        connect(stream, &LogStream::started, this, [&](qint64 offset, qint64 earliest) {
            r.offset = offset;
            r.earliest = earliest;
        });
        connect(stream, &LogStream::data, this, [&](const QByteArray &bytes) { r.data += bytes; });
        connect(stream, &LogStream::dropped, this, [&](qint64 bytes) { r.dropped += bytes; });
        connect(stream, &LogStream::finished, this, [&] { r.finished = true; });
        (void)QTest::qWaitFor([&] { return r.finished; }, 10000);
        return r;
    }

private Q_SLOTS:
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void aFullPartIsRotatedAndTheOlderOneDropped()
    {
        ProcessLogs logs(dirFd(), LogLimits { 1000, 100000 });
        QVERIFY(logs.open("p1").ok());
        const QByteArray all = output(2500);
        for (int at = 0; at < all.size(); at += 100)
            logs.append("p1", all.constData() + at, 100);
        // Parts [0,1000) dropped, [1000,2000) rotated, [2000,2500) current.
        QCOMPARE(sizeOf(QStringLiteral("p1.log.1")), 1000);
        QCOMPARE(sizeOf(QStringLiteral("p1.log")), 500);
        QCOMPARE(label(QStringLiteral("p1.log.1")), QByteArray("1000"));
        QCOMPARE(label(QStringLiteral("p1.log")), QByteArray("2000"));
        QCOMPARE(logs.bytesOnDisk(), 1500u);
        Read r = read(QStringLiteral("p1"), all);
        QVERIFY2(r.wrong.isEmpty(), qPrintable(r.wrong));
        QCOMPARE(r.gaps, (QList<QPair<qint64, qint64>> { { 0, 1000 } }));
        QCOMPARE(r.data, all.mid(1000));
    }

    void theSandboxsCapDropsItsOldestPartsWhoeverWroteThem()
    {
        ProcessLogs logs(dirFd(), LogLimits { 1000, 2500 });
        const QByteArray all = output(4000);
        QVERIFY(logs.open("p1").ok());
        for (int at = 0; at < 2000; at += 100)
            logs.append("p1", all.constData() + at, 100); // p1: [0,1000) rotated, [1000,2000) current
        QVERIFY(logs.open("p2").ok());
        for (int at = 0; at < 1600; at += 100) {
            logs.append("p2", all.constData() + at, 100);
            QVERIFY(onDisk() <= 2500);
        }
        QCOMPARE(qint64(logs.bytesOnDisk()), onDisk());
        // p1's parts are older than any of p2's: both went, p2's stay.
        QVERIFY(!QFile::exists(path(QStringLiteral("p1.log.1"))));
        QVERIFY(!QFile::exists(path(QStringLiteral("p1.log"))));
        Read p2 = read(QStringLiteral("p2"), all);
        QVERIFY2(p2.wrong.isEmpty() && p2.gaps.isEmpty(), qPrintable(p2.wrong));
        QCOMPARE(p2.data, all.left(1600));
        // p1 writes again: a new part from where its output is.
        logs.append("p1", all.constData() + 2000, 100);
        Read p1 = read(QStringLiteral("p1"), all);
        QVERIFY2(p1.wrong.isEmpty(), qPrintable(p1.wrong));
        QCOMPARE(p1.gaps, (QList<QPair<qint64, qint64>> { { 0, 2000 } }));
        QCOMPARE(p1.data, all.mid(2000, 100));
        QVERIFY(onDisk() <= 2500);
    }

    void logsLeftByAnEarlierRunCountAndGoFirst()
    {
        QFile old(path(QStringLiteral("p9.log")));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write(QByteArray(2500, 'x'));
        old.close();
        ProcessLogs logs(dirFd(), LogLimits { 1000, 3000 });
        QCOMPARE(logs.bytesOnDisk(), 2500u);
        QVERIFY(logs.open("p10").ok());
        const QByteArray all = output(1000);
        logs.append("p10", all.constData(), 1000);
        QVERIFY(!QFile::exists(path(QStringLiteral("p9.log"))));
        QCOMPARE(onDisk(), 1000);
    }

    void outputThatCannotBeWrittenIsDroppedAndTheGapSaid()
    {
        ProcessLogs logs(dirFd(), LogLimits { 100000, 1000000 });
        QVERIFY(logs.open("p1").ok());
        const QByteArray all = output(2100);
        // A file size limit fails writes as a full disk would (EFBIG).
        rlimit before {};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &before), 0);
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit small = before;
        small.rlim_cur = 1500;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        logs.append("p1", all.constData(), 1000);
        logs.append("p1", all.constData() + 1000, 1000); // 500 written, 500 dropped
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &before), 0);
        QCOMPARE(logs.bytesDropped(), 500u);
        logs.append("p1", all.constData() + 2000, 100); // a new part, after the gap
        Read r = read(QStringLiteral("p1"), all);
        QVERIFY2(r.wrong.isEmpty(), qPrintable(r.wrong));
        QCOMPARE(r.gaps, (QList<QPair<qint64, qint64>> { { 1500, 500 } }));
        QCOMPARE(r.data, all.left(1500) + all.mid(2000));
    }

    void aLogWithoutLabelsIsReadWhole()
    {
        QFile legacy(path(QStringLiteral("p3.log"))); // as an older paddock-init wrote it
        QVERIFY(legacy.open(QIODevice::WriteOnly));
        legacy.write("one\ntwo\n");
        legacy.close();
        Read r = read(QStringLiteral("p3"), QByteArray("one\ntwo\n"));
        QVERIFY2(r.wrong.isEmpty() && r.gaps.isEmpty(), qPrintable(r.wrong));
        QCOMPARE(r.data, QByteArray("one\ntwo\n"));
    }

    void followingGoesAcrossEveryRotation()
    {
        ProcessLogs logs(dirFd(), LogLimits { 1000, 100000 });
        QVERIFY(logs.open("p1").ok());
        const QByteArray all = output(20000);
        int at = 0;
        Read r = read(QStringLiteral("p1"), all, true, [&] {
            if (at >= all.size())
                return false;
            logs.append("p1", all.constData() + at, 250);
            at += 250;
            return true;
        });
        QVERIFY2(r.wrong.isEmpty(), qPrintable(r.wrong));
        // Every byte is accounted for, read or said dropped; a reader that
        // keeps up reads across the 19 rotations without a gap.
        QCOMPARE(r.position, all.size());
        qint64 dropped = 0;
        for (auto &g : r.gaps)
            dropped += g.second;
        qInfo("followed %lld bytes, %lld said dropped", qint64(r.data.size()), dropped);
        QVERIFY(r.data.size() > 10000);
    }
    // A viewer opens at the tail and reads what came before in pieces.
    void theTailStartsThatFarBeforeTheEndOrAtTheEarliestKept()
    {
        ProcessLogs logs(dirFd(), LogLimits { 1000, 100000 });
        QVERIFY(logs.open("p1").ok());
        const QByteArray all = output(2500);
        for (int at = 0; at < all.size(); at += 100)
            logs.append("p1", all.constData() + at, 100); // kept: [1000,2000) and [2000,2500)
        LogRange tail;
        tail.tailBytes = 700;
        RangeRead r = readRange(QStringLiteral("p1"), tail);
        QVERIFY(r.finished);
        QCOMPARE(r.offset, 1800);
        QCOMPARE(r.earliest, 1000);
        QCOMPARE(r.data, all.mid(1800));
        tail.tailBytes = 1 << 20; // more than is kept
        r = readRange(QStringLiteral("p1"), tail);
        QCOMPARE(r.offset, 1000);
        QCOMPARE(r.data, all.mid(1000));
        QCOMPARE(r.dropped, 0);
    }

    void aRangeStopsAtItsEndAcrossParts()
    {
        ProcessLogs logs(dirFd(), LogLimits { 1000, 100000 });
        QVERIFY(logs.open("p1").ok());
        const QByteArray all = output(2500);
        for (int at = 0; at < all.size(); at += 100)
            logs.append("p1", all.constData() + at, 100);
        LogRange range;
        range.from = 1200;
        range.until = 2100;
        RangeRead r = readRange(QStringLiteral("p1"), range);
        QVERIFY(r.finished);
        QCOMPARE(r.offset, 1200);
        QCOMPARE(r.data, all.mid(1200, 900));
        range.from = 0; // [0,1000) dropped already: said, then what is kept
        range.until = 1500;
        r = readRange(QStringLiteral("p1"), range);
        QCOMPARE(r.offset, 0);
        QCOMPARE(r.earliest, 1000);
        QCOMPARE(r.dropped, 1000);
        QCOMPARE(r.data, all.mid(1000, 500));
        range.until = 900; // all of it dropped: said, and no more
        r = readRange(QStringLiteral("p1"), range);
        QVERIFY(r.finished);
        QCOMPARE(r.dropped, 900);
        QVERIFY(r.data.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstProcessLogs)
#include "tst_process_logs.moc"
