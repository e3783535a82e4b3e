// HTTP/2 floods through an inspected rule must not starve the engine: a
// sandbox that opens streams as fast as it can write HEADERS frames (and
// resets each at once, CVE-2023-44487's "rapid reset", or leaves each for
// Paddock to answer) costs the engine a bounded share of its thread. Its
// requests past its rate (egress_limits.h) wait their turn with its
// connection unread (one reset meanwhile is never decided, logged or sent
// upstream), counted in one log entry a second; meanwhile the engine
// thread is never held long and a second sandbox's connections are
// answered. The figures measured are printed (qInfo).
#include "egress/egress_limits.h"
#include "hostile_probe.h"
#include "ui_stall_probe.h"
#include "upstream_servers.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

// CONNS connections to h2.flood.test, each writing batches of HEADERS
// frames (GET /, END_STREAM) on new streams for SECS seconds, each
// followed by RST_STREAM (CANCEL) when MODE is "reset", while a thread
// reads whatever comes back. Prints "streams S" and what it saw.
const char *kH2Flood = R"py(
import socket, ssl, struct, sys, threading, time
HOST = 'h2.flood.test'
def frame(kind, flags, stream, payload=b''):
    return struct.pack('>I', len(payload))[1:] + bytes([kind, flags]) + struct.pack('>I', stream) + payload
first = b'\x82\x87\x84\x41' + bytes([len(HOST)]) + HOST.encode()  # GET https / and :authority, indexed
again = b'\x82\x87\x84\xbe'  # the same, :authority from the dynamic table
counts = {'streams': 0, 'answered': 0, 'refusedconns': 0}
def flood():
    ctx = ssl.create_default_context(); ctx.set_alpn_protocols(['h2'])
    try:
        s = ctx.wrap_socket(socket.create_connection((HOST, 443), timeout=30), server_hostname=HOST)
        assert s.selected_alpn_protocol() == 'h2'
    except Exception as e:
        print('connection failed', e, flush=True); counts['refusedconns'] += 1; return
    s.settimeout(2)  # a write Paddock leaves unread ends the flood, not the test
    s.sendall(b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + frame(4, 0, 0))
    def drain():
        try:
            while True:
                got = s.recv(65536)
                if not got: return
                counts['answered'] += got.count(b'\x01\x04')
        except Exception:
            pass
    threading.Thread(target=drain, daemon=True).start()
    stream, end = 1, time.monotonic() + SECS
    try:
        while time.monotonic() < end:
            batch = []
            for k in range(100):
                batch.append(frame(1, 0x5, stream, first if stream == 1 else again))
                if 'MODE' == 'reset': batch.append(frame(3, 0, stream, struct.pack('>I', 8)))
                stream += 2
            s.sendall(b''.join(batch)); counts['streams'] += 100
    except Exception:
        pass
started = time.monotonic()
threads = [threading.Thread(target=flood) for i in range(CONNS)]
for t in threads: t.start()
for t in threads: t.join()
print('streams', counts['streams'], 'conns', CONNS, 'refusedconns', counts['refusedconns'],
      'seconds', round(time.monotonic() - started, 1), flush=True)
)py";

// CONNS connections, each opening PER streams (GET /slow, which the
// upstream answers with one byte and then holds open) in one write;
// counts how each stream is answered (HEADERS, or RST_STREAM and its
// code). Then every connection closes and a new one asks GET /echo, to
// show that the places the streams held were given back.
const char *kH2StreamHoard = R"py(
import socket, ssl, struct, threading, time
HOST = 'h2.flood.test'
def frame(kind, flags, stream, payload=b''):
    return struct.pack('>I', len(payload))[1:] + bytes([kind, flags]) + struct.pack('>I', stream) + payload
def block(path):  # GET https, then :path and :authority as literals never indexed
    return b'\x82\x87\x04' + bytes([len(path)]) + path.encode() + b'\x01' + bytes([len(HOST)]) + HOST.encode()
def connect():
    ctx = ssl.create_default_context(); ctx.set_alpn_protocols(['h2'])
    s = ctx.wrap_socket(socket.create_connection((HOST, 443), timeout=30), server_hostname=HOST)
    assert s.selected_alpn_protocol() == 'h2'
    s.sendall(b'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n' + frame(4, 0, 0))
    return s
def frames(s, seconds):
    buf, until = b'', time.monotonic() + seconds
    s.settimeout(0.5)
    while time.monotonic() < until:
        try:
            got = s.recv(65536)
        except socket.timeout:
            continue
        if not got: return
        buf += got
        while len(buf) >= 9 and len(buf) >= 9 + int.from_bytes(buf[:3], 'big'):
            n = int.from_bytes(buf[:3], 'big')
            yield buf[3], int.from_bytes(buf[5:9], 'big') & 0x7fffffff, buf[9:9 + n]
            buf = buf[9 + n:]
counts = {'answered': 0, 'refused': 0, 'reset': 0}
lock = threading.Lock()
def hoard(s):
    s.sendall(b''.join(frame(1, 0x5, 1 + 2 * k, block('/slow')) for k in range(PER)))
    seen = set()
    for kind, stream, payload in frames(s, 30):
        if kind == 1 and stream not in seen:
            with lock: counts['answered'] += 1
        elif kind == 3 and stream not in seen:
            with lock: counts['refused' if payload == struct.pack('>I', 7) else 'reset'] += 1
        if kind in (1, 3): seen.add(stream)
        if len(seen) == PER: return
conns = [connect() for i in range(CONNS)]
threads = [threading.Thread(target=hoard, args=(s,)) for s in conns]
for t in threads: t.start()
for t in threads: t.join()
print('answered', counts['answered'], 'refused', counts['refused'], 'reset', counts['reset'], flush=True)
for s in conns: s.close()
time.sleep(1)
s = connect()
s.sendall(frame(1, 0x5, 1, block('/echo')))
after = 'nothing'
for kind, stream, payload in frames(s, 15):
    if kind == 1: after = 'answered'; break
    if kind == 3: after = 'reset'; break
print('after', after, flush=True)
)py";

} // namespace

class TstHostileH2Flood : public QObject {
    Q_OBJECT

    SandboxFixture m_fx; // its sandbox floods
    SandboxInfo m_victim; // works meanwhile
    std::unique_ptr<TestCa> m_ca;
    HttpsEchoUpstream m_h2;
    EchoServer m_echo;

    QList<EgressLogEntry> logOf(const QString &sandbox)
    {
        EgressLogQuery q;
        q.sandbox = sandbox;
        q.limit = 1000000;
        return m_fx.engine->egressLog(q).value_or(QList<EgressLogEntry>());
    }
    // The sum of the counts the aggregated entries matching `reason` report.
    qint64 aggregated(const QString &sandbox, const QString &reason)
    {
        static const QRegularExpression count(QStringLiteral("^(\\d+) "));
        qint64 sum = 0;
        for (const EgressLogEntry &e : logOf(sandbox))
            if (e.reason.contains(reason)) sum += count.match(e.reason).captured(1).toLongLong();
        return sum;
    }
    // Entries saying the sandbox's gates were paused for engine time.
    qint64 pauseEntries(const QString &sandbox)
    {
        const QList<EgressLogEntry> log = logOf(sandbox);
        return std::count_if(log.begin(), log.end(),
            [](const EgressLogEntry &e) { return e.reason.contains(QStringLiteral("were paused")); });
    }
    qint64 requestEntries(const QString &sandbox)
    {
        const QList<EgressLogEntry> log = logOf(sandbox);
        return std::count_if(log.begin(), log.end(), [](const EgressLogEntry &e) { return !e.request.isEmpty(); });
    }
    // Runs the flood in `mode` while timing the engine thread and the
    // victim's connections; returns the flooder's summary line.
    QByteArray flood(const QString &mode, UiStallProbe &probe, double &victimMs)
    {
        QString code = QString::fromLatin1(kH2Flood);
        code.replace(QStringLiteral("CONNS"), QStringLiteral("8"))
            .replace(QStringLiteral("SECS"), QStringLiteral("8"))
            .replace(QStringLiteral("MODE"), mode);
        auto session = m_fx.engine->exec(m_fx.sandbox.id,
            CommandSpec { { QStringLiteral("python3"), QStringLiteral("-c"), code }, {}, {}, {}, false });
        if (!session) return "exec failed: " + session.error().message.toUtf8();
        QByteArray out;
        bool done = false;
        connect(*session, &ExecSession::output, *session, [&out](OutputStream, const QByteArray &d) { out += d; });
        connect(*session, &ExecSession::finished, *session, [&done](ExitStatus) { done = true; });
        connect(*session, &ExecSession::failed, *session, [&](const Error &e) {
            out += "failed: " + e.message.toUtf8();
            done = true;
        });
        probe.start();
        QTest::qWait(2000); // the flood is under way
        const ExecOutput victim = execIn(*m_fx.engine, m_victim.id,
            { QStringLiteral("python3"), QStringLiteral("-c"), QString::fromLatin1(kTimedEcho) });
        qInfo("victim's connections during the %s flood: %s", qPrintable(mode), victim.out.trimmed().constData());
        victimMs = victim.out.startsWith("ok ") ? victim.out.mid(3).trimmed().toDouble() : -1;
        (void)QTest::qWaitFor([&done] { return done; }, 60000);
        probe.stop();
        return out.trimmed();
    }
    void checkFlood(const QString &mode)
    {
        const qint64 entriesBefore = requestEntries(m_fx.sandbox.id);
        const qint64 waitedBefore = aggregated(m_fx.sandbox.id, QStringLiteral("HTTP requests waited"));
        const qint64 pausesBefore = pauseEntries(m_fx.sandbox.id);
        UiStallProbe probe;
        double victimMs = -1;
        QElapsedTimer took;
        took.start();
        const QByteArray result = flood(mode, probe, victimMs);
        qInfo("flooder (%s): %s", qPrintable(mode), result.constData());
        qInfo("engine thread's worst stall during the flood: %s", qPrintable(probe.figures()));
        QVERIFY2(result.startsWith("streams "), result.constData());
        // Held back by the request rate or by its share of engine time,
        // whichever ran out first; either way the log says so.
        const auto waitedNow = [&] { return aggregated(m_fx.sandbox.id, QStringLiteral("HTTP requests waited")) - waitedBefore; };
        const auto pausedNow = [&] { return pauseEntries(m_fx.sandbox.id) - pausesBefore; };
        QTRY_VERIFY_WITH_TIMEOUT(waitedNow() + pausedNow() > 0, 10000);
        const qint64 entries = requestEntries(m_fx.sandbox.id) - entriesBefore;
        const double seconds = double(took.elapsed()) / 1000; // the flood and the wait for its tally: more than it ran
        qInfo("%lld requests decided and logged one by one, %lld waited for the rate, paused in %lld seconds",
            entries, waitedNow(), pausedNow());
        using namespace paddock::egress::limits;
        QVERIFY2(entries <= qint64(kHttpRequestBurst + kHttpRequestsPerSecond * seconds),
            qPrintable(QString::number(entries)));
        QVERIFY2(victimMs >= 0, "the victim's connections failed during the flood");
        // Before the fair share a rapid reset held the engine thread 1.1 s;
        // now tens of ms, ~110 at worst on two busy cores. Three times the
        // UI's budget is where a regression shows, not the machine's load.
        QVERIFY2(probe.worstOwnMs() <= 3 * uiStallBudgetMs() && probe.worstMs() <= 5 * uiStallFailMs(),
            qPrintable(probe.figures()));
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ca = makeTestCa({ QStringLiteral("h2.flood.test") });
        QVERIFY2(m_ca->error.isEmpty(), qPrintable(m_ca->error));
        const QString started = m_h2.startHttp2(
            m_ca->dir.path() + QStringLiteral("/leaf.pem"), m_ca->dir.path() + QStringLiteral("/leaf.key"));
        QVERIFY2(started.isEmpty(), qPrintable(started));
        const QString failed = m_fx.setUp(QStringLiteral("flooder"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto victim = m_fx.engine->createSandbox({ QStringLiteral("victim") });
        QVERIFY2(victim, qPrintable(victim ? QString() : victim.error().message));
        m_victim = *victim;
        QVERIFY(m_fx.engine->trustUpstreamCa(fileContents(m_ca->caFile)));
        QVERIFY(m_fx.engine->setHostOverride(
            HostOverride { QStringLiteral("h2.flood.test"), QStringLiteral("127.0.0.1"), m_h2.port }));
        QVERIFY(m_fx.engine->setHostOverride(
            HostOverride { QStringLiteral("echo.test"), QStringLiteral("127.0.0.1"), m_echo.serverPort() }));
        EgressRule inspect;
        inspect.pattern = QStringLiteral("h2.flood.test");
        inspect.action = EgressAction::Inspect;
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, inspect));
        EgressRule echo;
        echo.pattern = QStringLiteral("echo.test");
        echo.action = EgressAction::Allow;
        QVERIFY(m_fx.engine->addEgressRule(m_victim.id, echo));
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    void rapidResetsAreHeldToTheSandboxsRate() { checkFlood(QStringLiteral("reset")); }
    void streamsLeftOpenAreHeldToTheSandboxsRate() { checkFlood(QStringLiteral("open")); }

    // Streams held open cost the engine state no byte budget counts: past
    // the sandbox's cap a new one is refused (REFUSED_STREAM, safe to
    // retry), the log says so, and closing them gives their places back.
    void streamsPastTheSandboxsCapAreRefused()
    {
        using paddock::egress::limits::kHttp2StreamsPerSandbox;
        constexpr int kPerConnection = 100, kConnections = kHttp2StreamsPerSandbox / kPerConnection + 2;
        const qint64 refusedBefore = aggregated(m_fx.sandbox.id, QStringLiteral("HTTP/2 streams refused"));
        QString code = QString::fromLatin1(kH2StreamHoard);
        code.replace(QStringLiteral("CONNS"), QString::number(kConnections))
            .replace(QStringLiteral("PER"), QString::number(kPerConnection));
        const ExecOutput out = execIn(
            *m_fx.engine, m_fx.sandbox.id, { QStringLiteral("python3"), QStringLiteral("-c"), code }, {}, {}, 90000);
        qInfo("stream hoarder: %s %s", out.out.trimmed().constData(), out.err.trimmed().right(400).constData());
        static const QRegularExpression figures(QStringLiteral("answered (\\d+) refused (\\d+) reset (\\d+)"));
        const QRegularExpressionMatch m = figures.match(QString::fromUtf8(out.out));
        QVERIFY2(m.hasMatch(), out.out.constData());
        const int answered = m.captured(1).toInt(), refused = m.captured(2).toInt();
        QVERIFY2(answered <= kHttp2StreamsPerSandbox, qPrintable(m.captured(0)));
        QVERIFY2(refused >= kConnections * kPerConnection - kHttp2StreamsPerSandbox, qPrintable(m.captured(0)));
        QVERIFY2(out.out.contains("after answered"), out.out.constData());
        QTRY_VERIFY_WITH_TIMEOUT(
            aggregated(m_fx.sandbox.id, QStringLiteral("HTTP/2 streams refused")) - refusedBefore >= refused, 10000);
    }
};

QTEST_GUILESS_MAIN(TstHostileH2Flood)
#include "tst_hostile_h2_flood.moc"
