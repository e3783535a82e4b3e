// One sandbox's fair share of the engine, piece by piece: the connection cap
// from the descriptor budget, the lease that holds a place and an address,
// the question cap, the DNS token bucket, the fake-address pool that never
// reuses an address in use and evicts the least recently used, aggregated
// refusals, and log retention per sandbox. Time is injected where it
// matters; the database is a real SQLite file.
#include "egress/ask_queue.h"
#include "egress/connection_lease.h"
#include "egress/dns_message.h"
#include "egress/dns_responder.h"
#include "egress/egress_limits.h"
#include "egress/egress_log.h"
#include "egress/fake_ip_pool.h"
#include "egress/refusal_tally.h"
#include "egress/token_bucket.h"
#include "store/database.h"
#include "store/egress_log_store.h"
#include "store/egress_name_store.h"
#include "store/sandbox_store.h"

#include <QSignalSpy>
#include <QTimer>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>

using namespace paddock;
using namespace paddock::egress;

namespace {

constexpr qint64 kOldEnough = limits::kReuseAddressAfterMs + 1;

EgressQuestion question(const QString &sandbox, const QString &host)
{
    EgressQuestion q;
    q.sandboxId = sandbox;
    q.host = host;
    q.address = QStringLiteral("198.18.0.9");
    q.port = 443;
    return q;
}

EgressLogEntry entry(const QString &sandbox)
{
    EgressLogEntry e;
    e.sandboxId = sandbox;
    e.protocol = QStringLiteral("dns");
    return e;
}

// A query for `name` (type A) as a program sends it.
std::string aQuery(const std::string &name, uint16_t id)
{
    std::string q = { char(id >> 8), char(id & 0xff), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
    size_t at = 0;
    while (at <= name.size()) {
        const size_t dot = std::min(name.find('.', at), name.size());
        q += char(dot - at) + name.substr(at, dot - at);
        at = dot + 1;
    }
    return q + std::string { 0, 0, 1, 0, 1 };
}

} // namespace

class TstEgressFairShare : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void theConnectionCapIsCutFromTheDescriptorBudget()
    {
        // Eight sandboxes at their cap, six descriptors a connection, beside the reserve.
        for (uint64_t limit : { 4096u, 20000u, 65536u, 524288u }) {
            const int cap = limits::connectionCap(limit);
            QVERIFY(cap >= int(limits::kMinConnectionsPerSandbox) && cap <= int(limits::kMaxConnectionsPerSandbox));
            if (cap < int(limits::kMaxConnectionsPerSandbox))
                QVERIFY2(uint64_t(cap) * limits::kDescriptorsPerConnection * limits::kFloodingSandboxes
                             + limits::kEngineReserveDescriptors <= limit,
                         qPrintable(QString::number(limit)));
        }
        QCOMPARE(limits::connectionCap(20000), 395);
    }

    void aLeaseHoldsAPlaceUnderTheCapUntilItEnds()
    {
        auto book = std::make_shared<LeaseBook>(2, FakeIpPool());
        std::optional<ConnectionLease> a = ConnectionLease::take(book), b = ConnectionLease::take(book);
        QVERIFY(a && b);
        QVERIFY(!ConnectionLease::take(book));
        QCOMPARE(book->open(), 2);
        ConnectionLease moved = std::move(*a); // moving does not count twice
        a.reset();
        QCOMPARE(book->open(), 2);
        moved.release();
        QCOMPARE(book->open(), 1);
        QVERIFY(ConnectionLease::take(book));
        QCOMPARE(book->open(), 1); // the temporary ended at once
    }

    void aLeaseOutlivesItsSandboxsEgress()
    {
        auto book = std::make_shared<LeaseBook>(4, FakeIpPool());
        const uint32_t addr = book->pool().addressFor(QStringLiteral("a.test")).value_or(0);
        std::optional<ConnectionLease> lease = ConnectionLease::take(book);
        QVERIFY(lease && lease->holdAddress(addr));
        QCOMPARE(book->pool().holders(addr), 1);
        std::weak_ptr<LeaseBook> weak = book;
        book.reset(); // the sandbox's egress is gone; the relayed connection is not
        QVERIFY(!weak.expired());
        lease.reset();
        QVERIFY(weak.expired());
    }

    // The attack: fill the pool while a connection to a.test lives. Its
    // address must keep naming a.test; the least recently used goes instead.
    void aNameWithALiveConnectionKeepsItsAddressWhenThePoolWraps()
    {
        qint64 now = 0;
        auto book = std::make_shared<LeaseBook>(10, FakeIpPool(3, [&now] { return now; }));
        FakeIpPool &pool = book->pool();
        const uint32_t a = *pool.addressFor(QStringLiteral("a.test"));
        const uint32_t b = *pool.addressFor(QStringLiteral("b.test"));
        const uint32_t c = *pool.addressFor(QStringLiteral("c.test"));
        std::optional<ConnectionLease> toA = ConnectionLease::take(book);
        QVERIFY(toA->holdAddress(a));
        now += kOldEnough;
        pool.addressFor(QStringLiteral("c.test")); // c answered again: b is now the least recently used
        const std::optional<uint32_t> d = pool.addressFor(QStringLiteral("d.test"));
        QCOMPARE(d, b);
        QCOMPARE(pool.nameAt(a).value_or(QString()), QStringLiteral("a.test"));
        QCOMPARE(pool.nameAt(c).value_or(QString()), QStringLiteral("c.test"));
        QCOMPARE(pool.nameAt(b).value_or(QString()), QStringLiteral("d.test"));
        // Still held, however old: a.test is never the one to go.
        now += 10 * kOldEnough;
        pool.addressFor(QStringLiteral("d.test"));
        QCOMPARE(pool.addressFor(QStringLiteral("e.test")), c);
        QCOMPARE(pool.addressFor(QStringLiteral("f.test")), std::nullopt); // d and e are young, a is held
        QCOMPARE(pool.nameAt(a).value_or(QString()), QStringLiteral("a.test"));
        // Once the connection ends, a.test ages like any other name.
        toA.reset();
        QCOMPARE(pool.addressFor(QStringLiteral("f.test")), std::nullopt); // just used
        now += kOldEnough;
        pool.addressFor(QStringLiteral("d.test"));
        pool.addressFor(QStringLiteral("e.test"));
        QCOMPARE(pool.addressFor(QStringLiteral("f.test")), a);
    }

    // A program may still hold an answer younger than the TTL and margin:
    // the query is refused instead of handing that address to another name.
    void aYoungAddressIsNeverReused()
    {
        qint64 now = 0;
        FakeIpPool pool(2, [&now] { return now; });
        const uint32_t a = *pool.addressFor(QStringLiteral("a.test"));
        now += 1000;
        pool.addressFor(QStringLiteral("b.test"));
        now += limits::kReuseAddressAfterMs - 1000; // a is exactly at the limit, b younger
        QCOMPARE(pool.addressFor(QStringLiteral("c.test")), a);
        QCOMPARE(pool.addressFor(QStringLiteral("d.test")), std::nullopt);
        QCOMPARE(pool.size(), 2);
    }

    void connectingCountsAsUse()
    {
        qint64 now = 0;
        FakeIpPool pool(2, [&now] { return now; });
        const uint32_t a = *pool.addressFor(QStringLiteral("a.test"));
        const uint32_t b = *pool.addressFor(QStringLiteral("b.test"));
        now += kOldEnough;
        QVERIFY(pool.hold(a));
        pool.release(a); // a connection to a.test that just ended
        QCOMPARE(pool.addressFor(QStringLiteral("c.test")), b);
        QCOMPARE(pool.addressFor(QStringLiteral("d.test")), std::nullopt);
        QVERIFY(!pool.hold(0x08080808));
    }

    // Stored names come back in the order they were last answered, each as
    // if answered now; free slots below the highest stored go first.
    void restoredNamesKeepTheirOrderAndAreYoung()
    {
        qint64 now = 0;
        FakeIpPool pool(4, [&now] { return now; });
        pool.restore({ { 3, QStringLiteral("old.test") }, { 1, QStringLiteral("newer.test") }, { 4, QStringLiteral("newest.test") },
                       { 9, QStringLiteral("out-of-range.test") }, { 1, QStringLiteral("duplicate-slot.test") } });
        QCOMPARE(pool.size(), 3);
        QCOMPARE(pool.addressFor(QStringLiteral("fresh.test")), kFakeNetwork + 2);
        QCOMPARE(pool.addressFor(QStringLiteral("another.test")), std::nullopt); // all restored are young
        now += kOldEnough;
        pool.addressFor(QStringLiteral("fresh.test"));
        QCOMPARE(pool.addressFor(QStringLiteral("another.test")), kFakeNetwork + 3);
        QCOMPARE(pool.addressFor(QStringLiteral("and-one.test")), kFakeNetwork + 1);
    }

    void theNameStoreReturnsNamesLeastRecentlyAnsweredFirst()
    {
        auto db = store::Database::open(m_dir.filePath(QStringLiteral("names.db")));
        QVERIFY(db);
        store::SandboxStore sandboxes(**db);
        SandboxInfo sb;
        sb.id = QStringLiteral("aaaa11112222");
        sb.name = QStringLiteral("web");
        sb.createdAt = QDateTime::currentDateTimeUtc();
        sb.baseImage = QStringLiteral("host");
        QVERIFY(sandboxes.insert(sb));
        store::EgressNameStore names(**db);
        QVERIFY(names.saveNames(sb.id, { { 5, QStringLiteral("b.test"), 2000 }, { 7, QStringLiteral("a.test"), 1000 } }));
        QVERIFY(names.saveNames(sb.id, { { 2, QStringLiteral("c.test"), 3000 }, { 7, QStringLiteral("d.test"), 4000 } }));
        const auto stored = names.names(sb.id);
        QVERIFY(stored);
        const QList<QPair<quint32, QString>> expected { { 5, QStringLiteral("b.test") }, { 2, QStringLiteral("c.test") },
                                                        { 7, QStringLiteral("d.test") } };
        QCOMPARE(*stored, expected);
    }

    void questionsAreCappedPerSandboxAndJoiningIsFree()
    {
        AskQueue asks(60000);
        int denied = 0;
        auto reply = [&denied](EgressAnswer a, bool) { denied += a == EgressAnswer::DenyOnce; };
        for (int i = 0; i < limits::kQuestionsPerSandbox; ++i)
            QVERIFY(!asks.ask(question(QStringLiteral("a"), QStringLiteral("h%1.test").arg(i)), reply).isEmpty());
        QVERIFY(!asks.hasRoomFor(question(QStringLiteral("a"), QStringLiteral("new.test"))));
        QVERIFY(asks.ask(question(QStringLiteral("a"), QStringLiteral("new.test")), reply).isEmpty());
        QCOMPARE(denied, 1);
        // Another connection to a destination already asked about joins its question.
        QVERIFY(asks.hasRoomFor(question(QStringLiteral("a"), QStringLiteral("h0.test"))));
        QVERIFY(!asks.ask(question(QStringLiteral("a"), QStringLiteral("h0.test")), reply).isEmpty());
        // Another sandbox is not affected.
        QVERIFY(!asks.ask(question(QStringLiteral("b"), QStringLiteral("new.test")), reply).isEmpty());
        QCOMPARE(asks.pending().size(), limits::kQuestionsPerSandbox + 1);
        // An answered question makes room.
        const QList<EgressQuestion> pending = asks.pending();
        const auto ofA = std::find_if(pending.begin(), pending.end(), [](const EgressQuestion &q) { return q.sandboxId == u'a'; });
        QVERIFY(ofA != pending.end() && asks.answer(ofA->id, EgressAnswer::DenyOnce));
        QVERIFY(asks.hasRoomFor(question(QStringLiteral("a"), QStringLiteral("new.test"))));
        asks.dropSandbox(QStringLiteral("a"));
        QVERIFY(asks.hasRoomFor(question(QStringLiteral("a"), QStringLiteral("new.test"))));
    }

    // A connection that went away takes its reply with it; the question
    // closes, "withdrawn", only when nobody else waits for its answer.
    void aWithdrawnReplyIsNeverToldAndAnEmptyQuestionCloses()
    {
        AskQueue asks(60000);
        QStringList told;
        QList<QPair<QString, QString>> closed;
        connect(&asks, &AskQueue::closed, this, [&](const QString &id, const QString &o) { closed.append({ id, o }); });
        quint64 first = 0, second = 0;
        const QString id = asks.ask(question(QStringLiteral("a"), QStringLiteral("w.test")),
                                    [&](EgressAnswer, bool) { told << QStringLiteral("first"); }, &first);
        QCOMPARE(asks.ask(question(QStringLiteral("a"), QStringLiteral("w.test")),
                          [&](EgressAnswer, bool) { told << QStringLiteral("second"); }, &second),
                 id);
        QVERIFY(first != second);
        asks.withdraw(id, first);
        QVERIFY(closed.isEmpty()); // the second still waits
        QVERIFY(asks.answer(id, EgressAnswer::AllowOnce));
        QCOMPARE(told, QStringList { QStringLiteral("second") });
        // Alone: withdrawn closes it, frees its place, and nobody is told.
        told.clear();
        closed.clear();
        const QString lone = asks.ask(question(QStringLiteral("a"), QStringLiteral("x.test")),
                                      [&](EgressAnswer, bool) { told << QStringLiteral("lone"); }, &first);
        asks.withdraw(lone, first);
        QCOMPARE(closed, (QList<QPair<QString, QString>> { { lone, QStringLiteral("withdrawn") } }));
        QVERIFY(asks.pending().isEmpty());
        QVERIFY(!asks.answer(lone, EgressAnswer::AllowOnce));
        asks.withdraw(lone, first); // twice, or after it closed: nothing happens
        QVERIFY(told.isEmpty());
    }

    void theDnsBucketAllowsABurstThenItsRate()
    {
        TokenBucket bucket(limits::kDnsQueriesPerSecond, limits::kDnsBurst);
        int taken = 0;
        while (bucket.take(0))
            ++taken;
        QCOMPARE(taken, int(limits::kDnsBurst));
        QVERIFY(!bucket.take(1)); // half a token
        QVERIFY(bucket.take(2));
        taken = 0;
        for (qint64 ms = 2; ms <= 1002; ++ms)
            while (bucket.take(ms))
                ++taken;
        QVERIFY2(std::abs(taken - int(limits::kDnsQueriesPerSecond)) <= 1, qPrintable(QString::number(taken)));
        QVERIFY(!bucket.take(-5)); // a clock going back refills nothing
        QVERIFY(bucket.take(1000000)); // long idle: full again, no more
        taken = 1;
        while (bucket.take(1000000))
            ++taken;
        QCOMPARE(taken, int(limits::kDnsBurst));
    }

    // Engine time for owner lookups: spent after the fact, repaid by time.
    void aCostKnownAfterwardsMayLeaveTheBucketInDebt()
    {
        TokenBucket time(limits::kOwnerLookupUsPerSecond, limits::kOwnerLookupUsBurst);
        QVERIFY(time.hasAny(0));
        time.spend(limits::kOwnerLookupUsBurst + 100000); // one lookup that cost far more than the burst
        QVERIFY(!time.hasAny(0));
        QVERIFY(!time.hasAny(1999)); // 100 ms of debt at 50 ms a second
        QVERIFY(time.hasAny(2001));
    }

    // Over the rate: REFUSED, counted, never answered with an address. With
    // the pool full of young names: SERVFAIL, not someone else's address.
    void theResponderRefusesOverItsRateAndWhenNoAddressIsFree()
    {
        UniqueFd server(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)), client(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        QCOMPARE(::bind(server.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        QCOMPARE(::getsockname(server.get(), reinterpret_cast<sockaddr *>(&addr), &len), 0);
        QCOMPARE(::connect(client.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        FakeIpPool pool(2);
        TokenBucket rate(0.001, 3); // three at once, then hardly any
        DnsResponder dns(std::move(server), false, pool, rate);
        QSignalSpy overRate(&dns, &DnsResponder::overRate), poolFull(&dns, &DnsResponder::poolFull);
        auto ask = [&](const std::string &name, uint16_t id) -> int {
            const std::string q = aQuery(name, id);
            if (::send(client.get(), q.data(), q.size(), 0) != ssize_t(q.size()))
                return -1;
            char buf[512];
            ssize_t n = -1;
            (void)QTest::qWaitFor([&] { return (n = ::recv(client.get(), buf, sizeof buf, MSG_DONTWAIT)) > 0; }, 5000);
            return n >= 4 ? buf[3] & 15 : -1;
        };
        QCOMPARE(ask("a.test", 1), int(DnsRcode::NoError));
        QCOMPARE(ask("b.test", 2), int(DnsRcode::NoError));
        QCOMPARE(ask("c.test", 3), int(DnsRcode::ServFail));
        QCOMPARE(poolFull.size(), 1);
        QCOMPARE(ask("a.test", 4), int(DnsRcode::Refused));
        QCOMPARE(overRate.size(), 1);
        QCOMPARE(pool.nameAt(kFakeNetwork + 1).value_or(QString()), QStringLiteral("a.test"));
        QCOMPARE(pool.nameAt(kFakeNetwork + 2).value_or(QString()), QStringLiteral("b.test"));
    }

    void refusalsAreLoggedOnceAWindowWithTheirCount()
    {
        auto db = store::Database::open(m_dir.filePath(QStringLiteral("tally.db")));
        QVERIFY(db);
        store::EgressLogStore store(**db);
        EgressLog log(store);
        QSignalSpy logged(&log, &EgressLog::logged);
        {
            RefusalTally tally(log, [](int n) {
                EgressLogEntry e = entry(QStringLiteral("a"));
                e.reason = QStringLiteral("%1 refused").arg(n);
                return e;
            });
            for (int i = 0; i < 3000; ++i)
                tally.count();
            QCOMPARE(logged.size(), 0);
            QTRY_COMPARE_WITH_TIMEOUT(logged.size(), 1, 5000);
            QCOMPARE(logged.first().first().value<EgressLogEntry>().reason, QStringLiteral("3000 refused"));
            tally.count();
        } // what is counted when it goes is logged
        QCOMPARE(logged.size(), 2);
        QCOMPARE(logged.last().first().value<EgressLogEntry>().reason, QStringLiteral("1 refused"));
    }

    // The attack: one sandbox writes far more than the retention. Every
    // other sandbox's log stays whole; the flooder keeps its newest.
    void aFloodFromOneSandboxLeavesTheOthersLogsWhole()
    {
        auto db = store::Database::open(m_dir.filePath(QStringLiteral("retention.db")));
        QVERIFY(db);
        store::EgressLogStore store(**db);
        EgressLog log(store, EgressLog::Retention { 500, 100000, 100 });
        QList<qint64> quiet;
        for (int i = 0; i < 10; ++i)
            quiet << log.record(entry(QStringLiteral("quiet"))).id;
        log.flush();
        qint64 newest = 0;
        for (int i = 0; i < 5000; ++i) {
            newest = log.record(entry(QStringLiteral("flood"))).id;
            if (i % 250 == 0)
                log.flush();
        }
        log.flush();
        EgressLogQuery all;
        all.limit = 100000;
        auto quietLeft = store.query(QStringLiteral("quiet"), all);
        auto floodLeft = store.query(QStringLiteral("flood"), all);
        QVERIFY(quietLeft && floodLeft);
        QCOMPARE(quietLeft->size(), 10);
        QVERIFY2(floodLeft->size() >= 500 && floodLeft->size() < 1000, qPrintable(QString::number(floodLeft->size())));
        QCOMPARE(floodLeft->first().id, newest);
        QCOMPARE(quietLeft->last().id, quiet.first());
    }

    // A stream flood logs thousands of requests in a tick: they are written
    // in turns of a bounded transaction, oldest first, and none is lost; an
    // entry changed after its first write is written again.
    void aBurstOfEntriesIsWrittenInTurns()
    {
        auto db = store::Database::open(m_dir.filePath(QStringLiteral("turns.db")));
        QVERIFY(db);
        store::EgressLogStore store(**db);
        EgressLog log(store);
        EgressLogEntry first = log.record(entry(QStringLiteral("burst")));
        for (int i = 1; i < 5000; ++i)
            log.record(entry(QStringLiteral("burst")));
        qint64 seen = 0, mostAtOnce = 0;
        int turns = 0;
        bool changed = false;
        QTimer sampler;
        sampler.setInterval(0);
        connect(&sampler, &QTimer::timeout, this, [&] {
            const qint64 now = store.count().value_or(0);
            if (now > seen) {
                ++turns;
                mostAtOnce = std::max(mostAtOnce, now - seen);
                if (!changed) { // the first turn wrote it: change it now
                    first.reason = QStringLiteral("changed later");
                    log.update(first);
                    changed = true;
                }
            }
            seen = now;
        });
        sampler.start();
        QTRY_COMPARE_WITH_TIMEOUT(seen, qint64(5000), 10000);
        sampler.stop();
        QVERIFY2(mostAtOnce <= 512 && turns >= 10, qPrintable(QStringLiteral("%1 at once, %2 turns").arg(mostAtOnce).arg(turns)));
        log.flush();
        QCOMPARE(store.count().value_or(0), qint64(5000));
        EgressLogQuery oldest;
        oldest.limit = 100000;
        const QList<EgressLogEntry> rows = store.query(QStringLiteral("burst"), oldest).value_or(QList<EgressLogEntry>());
        QCOMPARE(rows.size(), 5000);
        QCOMPARE(rows.last().id, first.id);
        QCOMPARE(rows.last().reason, QStringLiteral("changed later"));
    }

    // The overall ceiling is a disk-safety net: over it, the oldest go.
    void theOverallCeilingBoundsEveryLogTogether()
    {
        auto db = store::Database::open(m_dir.filePath(QStringLiteral("ceiling.db")));
        QVERIFY(db);
        store::EgressLogStore store(**db);
        EgressLog log(store, EgressLog::Retention { 1000, 1500, 100 });
        for (int i = 0; i < 4000; ++i)
            log.record(entry(QStringLiteral("s%1").arg(i % 4)));
        log.flush();
        for (int i = 0; i < 200; ++i)
            log.record(entry(QStringLiteral("s0")));
        log.flush();
        QVERIFY2(store.count().value_or(0) <= 1500 + 200, qPrintable(QString::number(store.count().value_or(0))));
        EgressLogQuery all;
        all.limit = 100000;
        QVERIFY(store.query(QStringLiteral("s0"), all).value_or(QList<EgressLogEntry>()).size() > 0);
    }
};

QTEST_GUILESS_MAIN(TstEgressFairShare)
#include "tst_egress_fair_share.moc"
