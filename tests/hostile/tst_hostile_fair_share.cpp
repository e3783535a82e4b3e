// One sandbox must not starve the others: a sandbox that holds thousands of
// connections, floods questions or floods DNS is refused past its fair
// share (egress_limits.h), the refusals are logged in aggregate, and a
// second sandbox of the same engine keeps its connections, its DNS answers
// and its log. Each attack runs from inside the flooding sandbox while the
// other one works; the numbers measured are printed (qInfo).
#include "egress/egress_limits.h"
#include "background_exec.h"
#include "hostile_probe.h"
#include "upstream_servers.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <limits>

using namespace paddock;
using namespace paddock::test;

namespace {

// Opens COUNT connections to a list of (address, port) TARGETS, each
// without waiting for the others, waits until every handshake is through
// (each then sits in the interception's accept queue, or was already
// reset), then opens a marker connection to echo.test:7. The interception
// accepts in order, so once the marker is answered (echoed or reset) every
// earlier connection has been decided: each is either reset or still held.
// Prints "held H reset R" and keeps the held ones until its stdin closes.
const char *kHoldConnections = R"py(
import resource, select, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
targets = TARGETS
socks = []
for i in range(COUNT):
    s = socket.socket(); s.setblocking(False)
    s.connect_ex(targets[i % len(targets)])
    socks.append(s)
poller = select.poll()
for s in socks:
    poller.register(s, select.POLLOUT)
connecting = set(s.fileno() for s in socks)
deadline = time.monotonic() + 60
while connecting and time.monotonic() < deadline:
    for fd, ev in poller.poll(1000):
        connecting.discard(fd)
        poller.modify(fd, select.POLLIN)
marker = socket.create_connection(('echo.test', 7), timeout=60)
try:
    marker.sendall(b'm'); marker.recv(1)
except OSError:
    pass
reset = set(fd for fd, ev in poller.poll(0) if fd not in connecting)
print('held', len(socks) - len(reset) - len(connecting), 'reset', len(reset), 'unconnected', len(connecting), flush=True)
sys.stdin.read()
)py";

// Opens COUNT allowed connections to echo.test and sends each a byte:
// each ends echoed (relayed, held open) or reset. Prints "held H reset R
// undecided U" and keeps them until its stdin closes.
const char *kOpenRelayed = R"py(
import resource, select, socket, sys, time, errno
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
addr = (socket.gethostbyname('echo.test'), 7)
socks = {}
for i in range(COUNT):
    s = socket.socket(); s.setblocking(False)
    s.connect_ex(addr)
    socks[s.fileno()] = s
poller = select.poll()
for fd in socks:
    poller.register(fd, select.POLLOUT)
held = reset = 0
pending = dict(socks)
sent = set()
deadline = time.monotonic() + 40
while pending and time.monotonic() < deadline:
    for fd, ev in poller.poll(1000):
        s = pending.get(fd)
        if s is None:
            continue
        if fd not in sent and ev & select.POLLOUT and not ev & (select.POLLERR | select.POLLHUP):
            try:
                s.send(b'x'); sent.add(fd); poller.modify(fd, select.POLLIN); continue
            except OSError:
                pass
        try:
            data = s.recv(1)
        except BlockingIOError:
            continue
        except OSError:
            data = b''
        if data == b'x':
            held += 1
        else:
            reset += 1
        poller.unregister(fd); del pending[fd]
print('held', held, 'reset', reset, 'undecided', len(pending), flush=True)
sys.stdin.read()
)py";

// One A query to the sandbox's resolver: prints its rcode (or "timeout") and ms.
const char *kOneQuery = R"py(
import socket, struct, time
q = struct.pack('>HHHHHH', 0x4242, 0x0100, 1, 0, 0, 0) + b'\x05probe\x04test\x00' + struct.pack('>HH', 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
t = time.monotonic()
try:
    s.sendto(q, ('127.0.0.1', 53)); r = s.recv(512)
    print('rcode', r[3] & 15, round((time.monotonic() - t) * 1000, 1))
except socket.timeout:
    print('timeout')
)py";

// COUNT queries for distinct names to an outside resolver (redirected to
// Paddock, each logged as such), 64 in flight. Prints "started", then
// "sent S answered A refused R seconds T".
const char *kDnsFlood = R"py(
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.settimeout(2)
def query(i):
    name = b'n%d' % i
    return struct.pack('>HHHHHH', i & 0xffff, 0x0100, 1, 0, 0, 0) + bytes([len(name)]) + name + b'\x05flood\x04test\x00' + struct.pack('>HH', 1, 1)
print('started', flush=True)
t = time.monotonic()
sent = got = refused = 0
while got < COUNT:
    while sent < COUNT and sent - got < 64:
        s.sendto(query(sent), ('8.8.8.8', 53)); sent += 1
    try:
        r = s.recv(512)
    except socket.timeout:
        break
    got += 1
    refused += (r[3] & 15) == 5
print('sent', sent, 'answered', got, 'refused', refused, 'seconds', round(time.monotonic() - t, 1), flush=True)
)py";

QString withParams(const char *script, const QList<QPair<QString, QString>> &params)
{
    QString code = QString::fromLatin1(script);
    for (const auto &[name, value] : params)
        code.replace(name, value);
    return code;
}

// Opens COUNT gated connections to sink.test (whose server never reads)
// and pushes an endless POST body down each until nothing more goes for
// two seconds: everything the engine would queue for them is queued.
// Prints "stuck SENT" and keeps them until its stdin closes.
const char *kFillQueues = R"py(
import select, socket, sys, time
socks = []
for i in range(COUNT):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)  # the bytes wait in the engine, not here
    s.settimeout(10)
    s.connect(('sink.test', 80))
    s.sendall(b'POST /upload HTTP/1.1\r\nHost: sink.test\r\nContent-Length: 1099511627776\r\n\r\n')
    s.setblocking(False)
    socks.append(s)
chunk = b'x' * 65536
sent = 0
quiet_until = time.monotonic() + 2
deadline = time.monotonic() + 60
while time.monotonic() < min(quiet_until, deadline):
    _, ready, _ = select.select([], socks, [], 0.5)
    for s in ready:
        try:
            sent += s.send(chunk)
            quiet_until = time.monotonic() + 2
        except BlockingIOError:
            pass
print('stuck', sent, flush=True)
sys.stdin.read()
)py";

// A listening socket nothing ever accepts from: connections complete in
// its backlog and what is sent to them stays in the kernel, unread.
class UnreadSink {
public:
    UnreadSink()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        const int small = 16384; // inherited by each connection: the bytes wait in the engine
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&a), len) == 0 && ::listen(m_fd, 1024) == 0
            && ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
            m_port = ntohs(a.sin_port);
    }
    ~UnreadSink() { close(); }
    // The connections never accepted are reset: their senders learn it on their next write.
    void close()
    {
        if (m_fd >= 0) ::close(m_fd);
        m_fd = -1;
    }
    UnreadSink(const UnreadSink &) = delete;
    UnreadSink &operator=(const UnreadSink &) = delete;
    quint16 port() const { return m_port; }

private:
    int m_fd = -1;
    quint16 m_port = 0;
};

// This process's resident memory (the engine runs in it).
qint64 residentBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly)) return -1;
    const QList<QByteArray> pages = statm.readAll().split(' ');
    return pages.size() > 1 ? pages[1].toLongLong() * ::sysconf(_SC_PAGESIZE) : -1;
}

// "held 395 reset 3605" → { "held": 395, "reset": 3605 }
QHash<QByteArray, qint64> fields(const QByteArray &line)
{
    QHash<QByteArray, qint64> out;
    const QList<QByteArray> words = line.split(' ');
    for (qsizetype i = 0; i + 1 < words.size(); ++i) {
        bool ok = false;
        const double v = words[i + 1].toDouble(&ok);
        if (ok)
            out.insert(words[i], qint64(v));
    }
    return out;
}

} // namespace

class TstHostileFairShare : public QObject {
    Q_OBJECT

    SandboxFixture m_fx; // its sandbox floods
    SandboxInfo m_victim; // works meanwhile
    EchoServer m_echo;
    HttpServer m_web { "web" };
    UnreadSink m_sink;

    QByteArray python(const QString &sandbox, const QString &code)
    {
        ExecOutput r = execIn(*m_fx.engine, sandbox, { QStringLiteral("python3"), QStringLiteral("-c"), code });
        return (r.out + r.err + (r.error ? r.error->message.toUtf8() : QByteArray())).trimmed();
    }
    QList<EgressLogEntry> logOf(const QString &sandbox)
    {
        EgressLogQuery q;
        q.sandbox = sandbox;
        q.limit = 1000000;
        return m_fx.engine->egressLog(q).value_or(QList<EgressLogEntry>());
    }
    // The sum of the counts that aggregated entries matching `reason` report.
    qint64 aggregated(const QString &sandbox, const QString &reason, int *cap = nullptr)
    {
        static const QRegularExpression count(QStringLiteral("^(\\d+) ")), capIs(QStringLiteral("its cap is (\\d+)"));
        qint64 sum = 0;
        for (const EgressLogEntry &e : logOf(sandbox))
            if (e.reason.contains(reason)) {
                sum += count.match(e.reason).captured(1).toLongLong();
                if (auto m = capIs.match(e.reason); cap && m.hasMatch())
                    *cap = m.captured(1).toInt();
            }
        return sum;
    }
    void allow(const QString &sandbox, const QString &pattern)
    {
        EgressRule r;
        r.pattern = pattern;
        r.action = EgressAction::Allow;
        QVERIFY(m_fx.engine->addEgressRule(sandbox, r));
    }
    // The victim's connections, timed; -1 when any failed.
    double victimEchoMs(const char *when)
    {
        const QByteArray r = python(m_victim.id, QString::fromLatin1(kTimedEcho));
        const double ms = r.startsWith("ok ") ? r.mid(3).toDouble() : -1;
        qInfo("victim's connection %s: %s", when, r.constData());
        return ms;
    }
    EgressCounts egressNow(const QString &sandbox) { return paddock::test::egressNow(*m_fx.engine, sandbox); }
    void denyPendingQuestions()
    {
        for (const EgressQuestion &q : m_fx.engine->egressQuestions())
            (void)m_fx.engine->answerEgressQuestion(q.id, EgressAnswer::DenyOnce);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("flooder"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto victim = m_fx.engine->createSandbox({ QStringLiteral("victim") });
        QVERIFY2(victim, qPrintable(victim ? QString() : victim.error().message));
        m_victim = *victim;
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { QStringLiteral("echo.test"), QStringLiteral("127.0.0.1"), m_echo.serverPort() }));
        allow(m_fx.sandbox.id, QStringLiteral("echo.test"));
        allow(m_victim.id, QStringLiteral("echo.test"));
    }
    void cleanupTestCase() { m_fx.tearDown(); }
    void cleanup()
    {
        denyPendingQuestions();
        QVERIFY(m_fx.engine->setEgressSettings(m_fx.sandbox.id, EgressSettings { false }));
    }

    // The pool wraps (three addresses here; 131,070 for real): a name whose
    // address a live connection uses keeps it, and a new name gets no
    // address rather than that one — else a new connection to it would be
    // decided, and relayed, as the new name.
    void aWrappedPoolNeverGivesALiveAddressToAnotherName()
    {
        m_fx.engine->setEgressAddressSlots(3);
        auto small = m_fx.engine->createSandbox({ QStringLiteral("small-pool") });
        m_fx.engine->setEgressAddressSlots(std::numeric_limits<quint32>::max()); // back to every address
        QVERIFY2(small, qPrintable(small ? QString() : small.error().message));
        for (const char *name : { "a1.test", "a2.test", "a3.test", "a4.test" })
            QVERIFY(m_fx.engine->setHostOverride(HostOverride { QString::fromLatin1(name), QStringLiteral("127.0.0.1"), m_echo.serverPort() }));
        allow(small->id, QStringLiteral("a1.test"));
        allow(small->id, QStringLiteral("a4.test"));
        const QByteArray r = python(small->id, QStringLiteral(
            "import socket\n"
            "def resolve(n):\n"
            "    try:\n        return socket.gethostbyname(n)\n"
            "    except OSError:\n        return 'none'\n"
            "a1 = resolve('a1.test')\n"
            "held = socket.create_connection(('a1.test', 7), timeout=10)\n"
            "held.sendall(b'1'); held.recv(1)\n"
            "resolve('a2.test'); resolve('a3.test')\n"
            "a4 = resolve('a4.test')\n"
            "again = socket.create_connection((a1, 7), timeout=10)\n"
            "again.sendall(b'2'); again.recv(1)\n"
            "print('a4 took a1' if a4 == a1 else 'a4 ' + a4)\n"));
        QVERIFY2(r == "a4 none", r.constData());
        // The second connection to a1's address was decided as a1.test.
        EgressLogQuery q;
        q.sandbox = small->id;
        const QList<EgressLogEntry> log = m_fx.engine->egressLog(q).value_or(QList<EgressLogEntry>());
        QCOMPARE(std::count_if(log.begin(), log.end(), [](const EgressLogEntry &e) {
                     return e.host == QStringLiteral("a1.test") && e.verdict == EgressVerdict::Allowed;
                 }), 2);
        QVERIFY(std::none_of(log.begin(), log.end(), [](const EgressLogEntry &e) {
            return e.host == QStringLiteral("a4.test") && e.protocol != QStringLiteral("dns");
        }));
        (void)await<void>([&](Callback<void> done) { m_fx.engine->removeSandbox(small->id, true, done); });
    }

    // The attack of the issue: thousands of relayed connections held open,
    // six descriptors each in the engine. Past its cap the sandbox's
    // connections are reset at once; the victim's still work.
    void heldOpenConnectionsCannotUseUpTheEnginesDescriptors()
    {
        const double idle = victimEchoMs("idle");
        QVERIFY(idle >= 0);
        Background flood(*m_fx.engine, m_fx.sandbox.id, withParams(kOpenRelayed, { { QStringLiteral("COUNT"), QStringLiteral("4000") } }));
        const QByteArray result = flood.line("held ", 120000);
        qInfo("flooder, 4000 relayed connections: %s", result.constData());
        const double during = victimEchoMs("during the flood");
        QVERIFY2(during >= 0, "the victim's connection failed while another sandbox held connections");
        auto f = fields(result);
        int cap = 0;
        QTRY_VERIFY_WITH_TIMEOUT(aggregated(m_fx.sandbox.id, QStringLiteral("connections refused: this sandbox has"), &cap) > 0, 10000);
        QVERIFY2(cap > 0 && f.value("held") == cap, result.constData());
        QCOMPARE(f.value("undecided"), 0);
        QTRY_COMPARE_WITH_TIMEOUT(aggregated(m_fx.sandbox.id, QStringLiteral("connections refused: this sandbox has")), f.value("reset"), 10000);
        QVERIFY(python(m_victim.id, QString::fromLatin1(kOneQuery)).startsWith("rcode 0"));
        flood.stop();
        // The cap is a count of live connections: once they end, there is room again.
        QVERIFY(victimEchoMs("after") >= 0);
        QVERIFY(python(m_fx.sandbox.id, QString::fromLatin1(kTimedEcho)).startsWith("ok "));
    }

    // Held for a person (ask mode), connections to destinations already
    // asked about join their question — and still count against the cap.
    void heldConnectionsStopAtTheSandboxsCap()
    {
        QVERIFY(m_fx.engine->setEgressSettings(m_fx.sandbox.id, EgressSettings { true }));
        Background flood(*m_fx.engine, m_fx.sandbox.id,
                         withParams(kHoldConnections, { { QStringLiteral("COUNT"), QStringLiteral("3000") },
                                                        { QStringLiteral("TARGETS"), QStringLiteral("[('198.51.100.%d' % i, 443) for i in range(1, 6)]") } }));
        const QByteArray result = flood.line("held ", 120000);
        qInfo("flooder, 3000 connections to 5 destinations asked about: %s", result.constData());
        const double during = victimEchoMs("while the flooder holds its cap");
        QVERIFY2(during >= 0, "the victim's connection failed while another sandbox held connections");
        QVERIFY(python(m_victim.id, QString::fromLatin1(kOneQuery)).startsWith("rcode 0"));
        int cap = 0;
        QTRY_VERIFY_WITH_TIMEOUT(aggregated(m_fx.sandbox.id, QStringLiteral("connections refused: this sandbox has"), &cap) > 0, 10000);
        const auto f = fields(result);
        QCOMPARE(f.value("unconnected", -1), 0);
        // The marker connection is the one past the cap when all 3000 fit under it.
        QVERIFY2(f.value("held") == cap || f.value("held") == cap - 1, result.constData());
        qsizetype questions = 0;
        for (const EgressQuestion &q : m_fx.engine->egressQuestions())
            questions += q.sandboxId == m_fx.sandbox.id;
        QCOMPARE(questions, qsizetype(5));
    }

    // 3,000 questions in under a second were all queued: now at most the
    // cap are asked, the rest reset at once and logged in aggregate.
    void aFloodOfQuestionsAsksAtMostTheCap()
    {
        QVERIFY(m_fx.engine->setEgressSettings(m_fx.sandbox.id, EgressSettings { true }));
        QElapsedTimer t;
        t.start();
        Background flood(*m_fx.engine, m_fx.sandbox.id,
                         withParams(kHoldConnections, { { QStringLiteral("COUNT"), QStringLiteral("3000") },
                                                        { QStringLiteral("TARGETS"), QStringLiteral("[('198.51.100.%d' % (i % 250 + 1), 1000 + i // 250) for i in range(3000)]") } }));
        const QByteArray result = flood.line("held ", 120000);
        qInfo("flooder, 3000 distinct asks (%lld ms): %s", t.elapsed(), result.constData());
        qsizetype questions = 0;
        for (const EgressQuestion &q : m_fx.engine->egressQuestions())
            questions += q.sandboxId == m_fx.sandbox.id;
        QVERIFY2(questions <= 20, qPrintable(QStringLiteral("%1 questions asked").arg(questions)));
        const auto f = fields(result);
        QCOMPARE(f.value("unconnected", -1), 0);
        QCOMPARE(f.value("held"), qint64(questions));
        QTRY_COMPARE_WITH_TIMEOUT(aggregated(m_fx.sandbox.id, QStringLiteral("refused without asking")), f.value("reset"), 10000);
        QVERIFY(victimEchoMs("while the flooder has its questions open") >= 0);
        QVERIFY(python(m_victim.id, QString::fromLatin1(kOneQuery)).startsWith("rcode 0"));
    }

    // Gated connections whose far side never reads queue what the sandbox
    // sends; at 1 MiB each, a sandbox at its cap held gigabytes of the
    // engine's memory. Now their sum stays within the sandbox's budget (plus
    // the floor each connection keeps), a new connection of the same
    // sandbox still gets through on its floor, and the others never notice.
    void queuedBytesStayWithinTheSandboxsBudget()
    {
        QVERIFY(m_sink.port() != 0);
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { QStringLiteral("sink.test"), QStringLiteral("127.0.0.1"), m_sink.port() }));
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { QStringLiteral("web.test"), QStringLiteral("127.0.0.1"), m_web.serverPort() }));
        for (const auto &[pattern, method] : { std::pair { "sink.test", "POST" }, std::pair { "web.test", "GET" } }) {
            EgressRule r;
            r.pattern = QString::fromLatin1(pattern);
            r.method = QString::fromLatin1(method); // a rule by method: every request goes through the gate
            r.action = EgressAction::Allow;
            QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, r));
        }
        constexpr int kConnections = 120; // at 1 MiB each, well past the budget
        const qint64 rssBefore = residentBytes();
        const qint64 heapBefore = qint64(mallinfo2().uordblks);
        Background flood(*m_fx.engine, m_fx.sandbox.id,
                         withParams(kFillQueues, { { QStringLiteral("COUNT"), QString::number(kConnections) } }));
        const QByteArray stuck = flood.line("stuck ", 120000);
        QVERIFY2(stuck.startsWith("stuck "), stuck.constData());
        const EgressCounts during = egressNow(m_fx.sandbox.id);
        qInfo("%d connections to a server that never reads: %s sent, %d open, %.1f MiB queued in the engine",
              kConnections, stuck.mid(6).constData(), during.open, double(during.heldBytes) / (1 << 20));
        using namespace paddock::egress::limits;
        const qint64 bound = qint64(kRelayBufferPerSandbox + size_t(during.open) * 2 * kRelayBufferFloor);
        QVERIFY2(during.heldBytes <= bound, qPrintable(QStringLiteral("%1 bytes queued, over %2").arg(during.heldBytes).arg(bound)));
        // The flood did reach the budget: else this test proves nothing.
        QVERIFY2(during.heldBytes >= qint64(kRelayBufferPerSandbox) / 2, qPrintable(QString::number(during.heldBytes)));
        QVERIFY2(during.open >= kConnections, qPrintable(QString::number(during.open)));
        const QByteArray web = python(m_fx.sandbox.id, QStringLiteral(
            "import socket\n"
            "s = socket.create_connection(('web.test', 80), timeout=20)\n"
            "s.sendall(b'GET /still HTTP/1.1\\r\\nHost: web.test\\r\\nConnection: close\\r\\n\\r\\n')\n"
            "print(s.recv(200).split(b'\\r\\n')[0].decode())\n"));
        QVERIFY2(web.startsWith("HTTP/1.1 200"), web.constData());
        QVERIFY(victimEchoMs("while the flooder's queues are full") >= 0);
        // What the engine holds for it is about what it counts: buffers
        // grown in the flood's first moments are given back once paused.
        const qint64 rssDuring = residentBytes();
        const qint64 inUse = qint64(mallinfo2().uordblks) - heapBefore;
        qInfo("the engine's heap in use: %.1f MiB more than before, for %.1f MiB queued", double(inUse) / (1 << 20), double(during.heldBytes) / (1 << 20));
        // ~2× here: the queues' capacity, and the gates themselves.
        QVERIFY2(inUse <= 3 * during.heldBytes, qPrintable(QStringLiteral("%1 bytes in use for %2 queued").arg(inUse).arg(during.heldBytes)));
        flood.stop();
        // The server goes away: its connections end, and their queues with
        // them. Freed, the queues' memory goes back to the system: the
        // engine does not stay at a flood's peak.
        m_sink.close();
        QTRY_VERIFY_WITH_TIMEOUT(egressNow(m_fx.sandbox.id).heldBytes == 0, 20000);
        const qint64 target = rssBefore + during.heldBytes / 2;
        (void)QTest::qWaitFor([&] { return residentBytes() <= target; }, 10000);
        qInfo("the engine's resident memory: %.1f MiB before, %.1f MiB with the queues full, %.1f MiB once they emptied",
              double(rssBefore) / (1 << 20), double(rssDuring) / (1 << 20), double(residentBytes()) / (1 << 20));
        QVERIFY2(residentBytes() <= target, qPrintable(QStringLiteral("%1 bytes resident, over %2").arg(residentBytes()).arg(target)));
    }

    // 110k queries, each logged when sent to an outside resolver, wiped
    // every sandbox's log (the row cap was shared). Now the flooder is held
    // to its rate and its own retention; the victim's log stays whole and
    // its queries are answered meanwhile.
    void aDnsFloodLeavesOtherSandboxesLogsAndAnswers()
    {
        QVERIFY(victimEchoMs("before the DNS flood") >= 0);
        QVERIFY(python(m_victim.id, QString::fromLatin1(kOneQuery)).startsWith("rcode 0"));
        const QList<EgressLogEntry> before = logOf(m_victim.id);
        QVERIFY(!before.isEmpty());
        Background flood(*m_fx.engine, m_fx.sandbox.id, withParams(kDnsFlood, { { QStringLiteral("COUNT"), QStringLiteral("110000") } }));
        QVERIFY(flood.line("started", 30000) == "started");
        const QByteArray during = python(m_victim.id, QString::fromLatin1(kOneQuery));
        qInfo("victim's DNS query during the flood: %s", during.constData());
        QVERIFY2(during.startsWith("rcode 0"), during.constData());
        const QByteArray result = flood.line("sent ", 240000);
        qInfo("flooder: %s", result.constData());
        QVERIFY(python(m_victim.id, QString::fromLatin1(kOneQuery)).startsWith("rcode 0"));
        const QList<EgressLogEntry> after = logOf(m_victim.id);
        qInfo("victim's log: %lld entries before the flood, %lld of them left", qint64(before.size()),
              qint64(std::count_if(before.begin(), before.end(), [&](const EgressLogEntry &e) {
                  return std::any_of(after.begin(), after.end(), [&](const EgressLogEntry &a) { return a.id == e.id; });
              })));
        for (const EgressLogEntry &e : before)
            QVERIFY2(std::any_of(after.begin(), after.end(), [&](const EgressLogEntry &a) { return a.id == e.id; }),
                     qPrintable(QStringLiteral("the victim's entry %1 (%2) is gone").arg(e.id).arg(e.reason)));
        qInfo("flooder's log: %lld entries", qint64(logOf(m_fx.sandbox.id).size()));
        QVERIFY2(fields(result).value("refused") > 0, result.constData());
        QTRY_VERIFY_WITH_TIMEOUT(aggregated(m_fx.sandbox.id, QStringLiteral("DNS queries refused")) > 0, 10000);
    }
};

QTEST_GUILESS_MAIN(TstHostileFairShare)
#include "tst_hostile_fair_share.moc"
