// Live watching of a sandbox's tree: events for every kind of change, new
// directories picked up, excludes, shared watches, catching up after a
// disconnect, and a 10,000-file burst that must end in the true state.
#include "test_support.h"

#include "paddock/file_watch.h"

#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

// What a subscriber knows of the tree, kept up to date from the watch.
struct TreeModel {
    QSet<QString> paths;
    quint64 version = 0;
    int resyncs = 0;
    int deliveries = 0; // `changed` signals: batches, not events
    QString resyncReason;
    QList<FileEvent> events;

    void removeUnder(const QString &path)
    {
        paths.remove(path);
        const QString prefix = path + u'/';
        for (auto it = paths.begin(); it != paths.end();)
            it = it->startsWith(prefix) ? paths.erase(it) : std::next(it);
    }
    void apply(const FileEvent &e)
    {
        QVERIFY2(e.version > version, "versions must increase");
        version = e.version;
        events.append(e);
        switch (e.change) {
        case FileChange::Created: paths.insert(e.path); break;
        case FileChange::Modified: break;
        case FileChange::Deleted: removeUnder(e.path); break;
        case FileChange::Moved: {
            QSet<QString> moved;
            for (const QString &p : std::as_const(paths))
                if (p == e.fromPath || p.startsWith(e.fromPath + u'/'))
                    moved.insert(e.path + p.mid(e.fromPath.size()));
            removeUnder(e.fromPath);
            paths.unite(moved);
            paths.insert(e.path);
            break;
        }
        }
    }
    void follow(FileWatch *w)
    {
        QObject::connect(w, &FileWatch::ready, w, [this](quint64 v) { version = qMax(version, v); });
        QObject::connect(w, &FileWatch::changed, w, [this](const QList<FileEvent> &batch) {
            ++deliveries;
            for (const FileEvent &e : batch)
                apply(e);
        });
        QObject::connect(w, &FileWatch::resynced, w, [this](const TreeSnapshot &s) {
            ++resyncs;
            resyncReason = s.reason;
            paths.clear();
            for (const FileInfo &f : s.entries)
                paths.insert(f.name);
            version = s.version;
        });
    }
};

} // namespace

class TstFileWatch : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    QString sh(const QString &script)
    {
        return QString::fromUtf8(execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("sh"), QStringLiteral("-c"), script }).out);
    }
    std::unique_ptr<FileWatch> watch(const QString &path, const QStringList &excludes = {},
                                     std::optional<quint64> since = std::nullopt)
    {
        auto w = m_fx.engine->watchFiles(m_fx.sandbox.id, path, excludes, since);
        if (!w)
            qWarning() << w.error().message;
        return std::unique_ptr<FileWatch>(w ? *w : nullptr);
    }
    QSet<QString> realTree(const QString &dir)
    {
        QSet<QString> out;
        for (const QString &line : sh(QStringLiteral("find %1 -mindepth 1").arg(dir)).split(u'\n', Qt::SkipEmptyParts))
            out.insert(line);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("watch"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void everyKindOfChangeArrivesInOrder()
    {
        sh(QStringLiteral("mkdir -p /tmp/w"));
        auto w = watch(QStringLiteral("/tmp/w"));
        QVERIFY(w);
        TreeModel model;
        model.follow(w.get());
        QSignalSpy ready(w.get(), &FileWatch::ready);
        QVERIFY(ready.wait(5000));
        sh(QStringLiteral("echo a > /tmp/w/f; echo b >> /tmp/w/f; mv /tmp/w/f /tmp/w/g; rm /tmp/w/g"));
        QVERIFY(QTest::qWaitFor([&] { return !model.events.isEmpty() && model.events.last().change == FileChange::Deleted; }, 5000));
        // Writes close together coalesce into one "modified".
        QStringList seen;
        for (const FileEvent &e : model.events)
            if (seen.isEmpty() || seen.last() != fileChangeName(e.change) + u' ' + e.path)
                seen << fileChangeName(e.change) + u' ' + e.path;
        QCOMPARE(seen, QStringList({ QStringLiteral("created /tmp/w/f"), QStringLiteral("modified /tmp/w/f"),
                                     QStringLiteral("moved /tmp/w/g"), QStringLiteral("deleted /tmp/w/g") }));
        auto moved = std::find_if(model.events.begin(), model.events.end(), [](const FileEvent &e) { return e.change == FileChange::Moved; });
        QCOMPARE(moved->fromPath, QStringLiteral("/tmp/w/f"));
    }

    void newDirectoriesAreWatchedAsTheyAppear()
    {
        auto w = watch(QStringLiteral("/tmp/w"));
        TreeModel model;
        model.follow(w.get());
        QSignalSpy ready(w.get(), &FileWatch::ready);
        QVERIFY(ready.wait(5000));
        sh(QStringLiteral("mkdir -p /tmp/w/a/b/c && touch /tmp/w/a/b/c/deep && sleep 0.05 && touch /tmp/w/a/b/c/later"));
        QVERIFY(QTest::qWaitFor([&] { return model.paths.contains(QStringLiteral("/tmp/w/a/b/c/later")); }, 5000));
        QVERIFY(model.paths.contains(QStringLiteral("/tmp/w/a/b/c/deep")));
        QVERIFY(model.paths.contains(QStringLiteral("/tmp/w/a/b")));
        sh(QStringLiteral("mv /tmp/w/a /tmp/w/z && touch /tmp/w/z/b/c/after-move"));
        QVERIFY(QTest::qWaitFor([&] { return model.paths.contains(QStringLiteral("/tmp/w/z/b/c/after-move")); }, 5000));
        QVERIFY(!model.paths.contains(QStringLiteral("/tmp/w/a/b/c/deep")));
        sh(QStringLiteral("rm -r /tmp/w/z"));
    }

    void excludedSubtreesStaySilent()
    {
        auto w = watch(QStringLiteral("/tmp/w"), { QStringLiteral("node_modules/**"), QStringLiteral("**/*.log") });
        TreeModel model;
        model.follow(w.get());
        QSignalSpy ready(w.get(), &FileWatch::ready);
        QVERIFY(ready.wait(5000));
        sh(QStringLiteral("mkdir -p /tmp/w/node_modules/x /tmp/w/src && touch /tmp/w/node_modules/x/i.js /tmp/w/src/a.log "
                          "/tmp/w/debug.log && touch /tmp/w/src/main.c"));
        QVERIFY(QTest::qWaitFor([&] { return model.paths.contains(QStringLiteral("/tmp/w/src/main.c")); }, 5000));
        for (const QString &p : std::as_const(model.paths))
            QVERIFY2(!p.contains(QLatin1String("node_modules")) && !p.endsWith(QLatin1String(".log")), qPrintable(p));
    }

    void watchersOfOneTreeShareVersions()
    {
        auto a = watch(QStringLiteral("/tmp/w"));
        auto b = watch(QStringLiteral("/tmp/w"));
        TreeModel ma, mb;
        ma.follow(a.get());
        mb.follow(b.get());
        QVERIFY(QTest::qWaitFor([&] { return ma.version && mb.version; }, 5000));
        sh(QStringLiteral("touch /tmp/w/shared"));
        QVERIFY(QTest::qWaitFor([&] { return !ma.events.isEmpty() && !mb.events.isEmpty(); }, 5000));
        QCOMPARE(ma.events.last().version, mb.events.last().version);
    }

    void aReconnectingClientCatchesUp()
    {
        auto keeper = watch(QStringLiteral("/tmp/w")); // keeps the tree watched meanwhile
        TreeModel before;
        auto first = watch(QStringLiteral("/tmp/w"));
        before.follow(first.get());
        QVERIFY(QTest::qWaitFor([&] { return before.version > 0; }, 5000));
        sh(QStringLiteral("touch /tmp/w/seen"));
        QVERIFY(QTest::qWaitFor([&] { return !before.events.isEmpty(); }, 5000));
        const quint64 lastSeen = before.version;
        first.reset(); // the client goes away…
        QSignalSpy keeperSaw(keeper.get(), &FileWatch::changed);
        sh(QStringLiteral("touch /tmp/w/missed-1 /tmp/w/missed-2"));
        QVERIFY(keeperSaw.wait(5000) || !keeperSaw.isEmpty());
        auto again = watch(QStringLiteral("/tmp/w"), {}, lastSeen); // …and comes back
        TreeModel after;
        after.version = lastSeen;
        after.follow(again.get());
        QVERIFY(QTest::qWaitFor([&] { return after.paths.contains(QStringLiteral("/tmp/w/missed-2")); }, 5000));
        QVERIFY(after.paths.contains(QStringLiteral("/tmp/w/missed-1")));
        QCOMPARE(after.resyncs, 0);
        // A version from long ago (or another watch) gets the whole tree.
        auto stale = watch(QStringLiteral("/tmp/w"), {}, 1);
        TreeModel resynced;
        resynced.follow(stale.get());
        QVERIFY(QTest::qWaitFor([&] { return resynced.resyncs == 1; }, 5000));
        QCOMPARE(resynced.paths, realTree(QStringLiteral("/tmp/w")));
    }

    void burstOfTenThousandFilesEndsInTheTrueState()
    {
        sh(QStringLiteral("mkdir -p /tmp/burst"));
        auto w = watch(QStringLiteral("/tmp/burst"), {}, 0); // a snapshot, then changes
        TreeModel model;
        model.follow(w.get());
        QVERIFY(QTest::qWaitFor([&] { return model.resyncs >= 1; }, 5000));
        sh(QStringLiteral("cd /tmp/burst && for d in 0 1 2 3 4 5 6 7 8 9; do mkdir d$d; done && "
                          "for d in 0 1 2 3 4 5 6 7 8 9; do (cd d$d && seq 1 1000 | xargs touch); done && "
                          "rm d3/5 d3/6 && mv d4 d44"));
        const QSet<QString> truth = realTree(QStringLiteral("/tmp/burst"));
        QCOMPARE(truth.size(), 10 + 10000 - 2);
        QVERIFY2(QTest::qWaitFor([&] { return model.paths == truth; }, 20000),
                 qPrintable(QStringLiteral("model has %1 paths, the tree %2; %3 resyncs")
                                .arg(model.paths.size()).arg(truth.size()).arg(model.resyncs)));
        qInfo("burst: %lld events in %d deliveries, %d resyncs", qlonglong(model.events.size()), model.deliveries, model.resyncs);
        // However small the helper's frames, a receiving thread gets batches.
        QVERIFY2(model.deliveries * 10 <= model.events.size(), qPrintable(QString::number(model.deliveries)));
    }

    // Frames are bounded in bytes, not only in entries: a directory of
    // 2,100 files at ~1 KiB paths moved in is announced at once (2 MiB of
    // paths), and its snapshot is as large. Neither may end the watch.
    void longPathsNeverBreakTheWatch()
    {
        sh(QStringLiteral("D=$(printf 'd%.0s' $(seq 1 255)); F=$(printf 'f%.0s' $(seq 1 200)); "
                          "mkdir -p /tmp/long/stage/x/$D/$D/$D /tmp/long/w && cd /tmp/long/stage/x/$D/$D/$D && "
                          "for i in $(seq -w 1 2100); do : > \"$i$F\"; done"));
        auto w = watch(QStringLiteral("/tmp/long/w"), {}, 0);
        TreeModel model;
        model.follow(w.get());
        QVERIFY(QTest::qWaitFor([&] { return model.resyncs >= 1; }, 5000));
        sh(QStringLiteral("mv /tmp/long/stage/x /tmp/long/w/x"));
        const QSet<QString> truth = realTree(QStringLiteral("/tmp/long/w"));
        QCOMPARE(truth.size(), 2104);
        QVERIFY2(QTest::qWaitFor([&] { return model.paths == truth; }, 20000),
                 qPrintable(QStringLiteral("the watch has %1 of %2 paths").arg(model.paths.size()).arg(truth.size())));
        auto again = watch(QStringLiteral("/tmp/long/w"), {}, 0); // a snapshot of all of it
        TreeModel fresh;
        fresh.follow(again.get());
        QVERIFY2(QTest::qWaitFor([&] { return fresh.paths == truth; }, 20000),
                 qPrintable(QStringLiteral("the snapshot has %1 of %2 paths").arg(fresh.paths.size()).arg(truth.size())));
    }

    // Below 128 levels nothing is watched; a subscriber hears so, once.
    void tooDeepATreeIsSaidNotMissedSilently()
    {
        sh(QStringLiteral("mkdir -p /tmp/deepw /tmp/deep/$(seq 135 | sed 's/.*/a/' | paste -sd/)"));
        auto w = watch(QStringLiteral("/tmp/deepw"));
        TreeModel model;
        model.follow(w.get());
        QVERIFY(QTest::qWaitFor([&] { return model.version > 0; }, 5000));
        sh(QStringLiteral("mv /tmp/deep/a /tmp/deepw/a"));
        QVERIFY2(QTest::qWaitFor([&] { return model.resyncs == 1; }, 10000), "no word of the unwatched depth");
        QVERIFY2(model.resyncReason.contains(QLatin1String("levels deep")), qPrintable(model.resyncReason));
    }

    void queueOverflowBecomesAResync()
    {
        sh(QStringLiteral("mkdir -p /tmp/ov"));
        auto w = watch(QStringLiteral("/tmp/ov"), {}, 0);
        TreeModel model;
        model.follow(w.get());
        QString reason;
        connect(w.get(), &FileWatch::resynced, this, [&](const TreeSnapshot &snap) { reason = snap.reason; });
        QVERIFY(QTest::qWaitFor([&] { return model.resyncs >= 1; }, 5000));
        // Freeze the helpers (processes of the sandbox, so the workload may),
        // make more events than the kernel queues (16384), then let them go.
        sh(QStringLiteral("helpers() { for p in /proc/[0-9]*; do n=${p#/proc/}; [ $n != 1 ] && [ $n != $$ ] && "
                          "grep -q paddock-init $p/cmdline 2>/dev/null && echo $n; done; }; "
                          "kill -STOP $(helpers); cd /tmp/ov && seq 1 12000 | xargs touch && rm $(seq 1 3000); "
                          "kill -CONT $(helpers)"));
        const QSet<QString> truth = realTree(QStringLiteral("/tmp/ov"));
        QCOMPARE(truth.size(), 9000);
        QVERIFY2(QTest::qWaitFor([&] { return model.paths == truth; }, 20000),
                 qPrintable(QStringLiteral("model %1 paths, tree %2").arg(model.paths.size()).arg(truth.size())));
        QVERIFY2(model.resyncs >= 2, "the overflow was not reported as a resync");
        QVERIFY2(reason.contains(QLatin1String("overflowed")), qPrintable(reason));
    }

    void watchingAMissingDirectoryFails()
    {
        auto w = watch(QStringLiteral("/tmp/does-not-exist"));
        QVERIFY(w);
        QSignalSpy failed(w.get(), &FileWatch::failed);
        QVERIFY(failed.wait(5000));
        QVERIFY(failed.first().first().value<Error>().message.contains(QLatin1String("/tmp/does-not-exist")));
    }

    void stoppingTheSandboxEndsTheWatch()
    {
        auto w = watch(QStringLiteral("/tmp/w"));
        QSignalSpy failed(w.get(), &FileWatch::failed);
        auto stopped = await<SandboxInfo>([&](Callback<SandboxInfo> done) { m_fx.engine->stopSandbox(m_fx.sandbox.id, done); });
        QVERIFY(stopped);
        QVERIFY(failed.count() > 0 || failed.wait(5000));
    }
};

QTEST_GUILESS_MAIN(TstFileWatch)
#include "tst_file_watch.moc"
