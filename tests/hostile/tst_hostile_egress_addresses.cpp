// Attacks on the check of where an allowed connection really goes, from
// inside a sandbox: the workstation's own interface addresses under
// `allow *` (a service bound to 0.0.0.0 answers there as on loopback),
// IPv6 addresses that carry a loopback or workstation IPv4 address, and a
// rule naming 127.0.0.1 for one port used to reach another through a name
// that resolves to loopback (DNS rebinding). Each is refused and logged,
// and no byte reaches the service.
#include "hostile_probe.h"
#include "upstream_servers.h"

#include <QHostInfo>
#include <QNetworkInterface>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

// A service of the workstation's, bound to every address as so many are.
class HostService : public QTcpServer {
public:
    explicit HostService(const QHostAddress &any)
    {
        listen(any);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                ++connections;
                s->write("host-service\n");
                s->disconnectFromHost();
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    int connections = 0;
};

// This machine's addresses a sandbox could dial: not loopback, and not
// link-local (which needs a scope a redirected connection does not carry).
QList<QNetworkAddressEntry> dialableOwnAddresses(QList<QString> *interfaces)
{
    QList<QNetworkAddressEntry> out;
    for (const QNetworkInterface &i : QNetworkInterface::allInterfaces())
        for (const QNetworkAddressEntry &e : i.addressEntries())
            if (!e.ip().isLoopback() && !e.ip().isLinkLocal()) {
                out << e;
                *interfaces << i.name();
            }
    return out;
}

QString ipv4Hex(quint32 v4) { return QStringLiteral("%1:%2").arg(v4 >> 16, 0, 16).arg(v4 & 0xffff, 0, 16); }

} // namespace

class TstHostileEgressAddresses : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    // Connects, sends a line, prints what came back — or "reset" when the
    // interception refused the connection.
    QByteArray connectAndRead(const QString &host, int port)
    {
        const bool v6 = host.contains(u':');
        ExecOutput r = pythonAttack(m_fx, QStringLiteral("import socket\n"
                                                         "s = socket.socket(socket.AF_INET%1)\ns.settimeout(20)\n"
                                                         "try:\n    s.connect(('%2', %3))\n    s.sendall(b'ping\\n')\n"
                                                         "    print('read', s.recv(20))\n"
                                                         "except ConnectionResetError:\n    print('reset')\n"
                                                         "except OSError as e:\n    print('error', e)")
                                              .arg(v6 ? QStringLiteral("6") : QString(), host)
                                              .arg(port));
        return (r.out + r.err).trimmed();
    }
    qint64 addRule(const QString &pattern, quint16 port = 0)
    {
        EgressRule r;
        r.pattern = pattern;
        r.action = EgressAction::Allow;
        r.port = port;
        auto added = m_fx.engine->addEgressRule(m_fx.sandbox.id, r);
        return added ? added->id : 0;
    }
    void removeRules(const QList<qint64> &ids)
    {
        for (qint64 id : ids)
            QVERIFY(m_fx.engine->removeEgressRule(m_fx.sandbox.id, id));
    }
    std::optional<EgressLogEntry> refusalOf(const QHostAddress &address, int port, const QString &because)
    {
        return waitForEgressLog(*m_fx.engine, m_fx.sandbox.id, [&](const EgressLogEntry &e) {
            return QHostAddress(e.address) == address && e.port == port && e.verdict == EgressVerdict::Denied
                && e.reason.contains(because);
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("egress-addresses"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    // Under `allow *`, every address of the workstation's own interfaces
    // is refused like loopback, however public its range.
    void theWorkstationsOwnAddressesAreRefused()
    {
        QList<QString> interfaces;
        const QList<QNetworkAddressEntry> own = dialableOwnAddresses(&interfaces);
        if (own.isEmpty())
            QSKIP("this machine has no address but loopback and link-local: nothing to reach it through");
        HostService v4(QHostAddress::AnyIPv4), v6(QHostAddress::AnyIPv6);
        QVERIFY(v4.isListening());
        const qint64 star = addRule(QStringLiteral("*"));
        QVERIFY(star);
        for (qsizetype i = 0; i < own.size(); ++i) {
            const QHostAddress a = own[i].ip();
            const bool isV6 = a.protocol() == QAbstractSocket::IPv6Protocol;
            const int port = isV6 ? v6.serverPort() : v4.serverPort();
            if (isV6 && !v6.isListening())
                continue;
            QCOMPARE(connectAndRead(a.toString(), port), QByteArray("reset"));
            auto e = refusalOf(a, port, QStringLiteral("this workstation's address (%1)").arg(interfaces[i]));
            QVERIFY2(e, qPrintable(QStringLiteral("no refusal naming %1 as this workstation's").arg(a.toString())));
        }
        QCOMPARE(v4.connections + v6.connections, 0);
        removeRules({ star });
    }

    // What a NAT64 gateway, a 6to4 or Teredo tunnel, or a sit device would
    // deliver to a loopback or workstation IPv4 address is refused as that.
    void ipv6AddressesCarryingNonPublicIpv4AreRefused_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("because");
        QTest::newRow("NAT64 loopback") << "64:ff9b::7f00:1" << "loopback (127.0.0.1 embedded in NAT64";
        QTest::newRow("6to4 loopback") << "2002:7f00:1::" << "loopback (127.0.0.1 embedded in 6to4";
        QTest::newRow("6to4 metadata") << "2002:a9fe:a9fe::1" << "cloud metadata (169.254.169.254 embedded in 6to4";
        QTest::newRow("Teredo client loopback") << "2001:0:8c52:7003:8000:63bf:80ff:fffe"
                                                << "loopback (127.0.0.1 embedded in Teredo client";
        QTest::newRow("local-use NAT64") << "64:ff9b:1::7f00:1" << "local-use NAT64 (64:ff9b:1::/48)";
        QList<QString> interfaces;
        for (const QNetworkAddressEntry &e : dialableOwnAddresses(&interfaces))
            if (e.ip().protocol() == QAbstractSocket::IPv4Protocol)
                QTest::newRow(qPrintable(QStringLiteral("NAT64 %1").arg(e.ip().toString())))
                    << QStringLiteral("64:ff9b::") + ipv4Hex(e.ip().toIPv4Address())
                    << QStringLiteral("this workstation's address");
    }
    void ipv6AddressesCarryingNonPublicIpv4AreRefused()
    {
        QFETCH(QString, address);
        QFETCH(QString, because);
        const qint64 star = addRule(QStringLiteral("*"));
        QCOMPARE(connectAndRead(address, 8080), QByteArray("reset"));
        QVERIFY2(refusalOf(QHostAddress(address), 8080, because), qPrintable(QStringLiteral("no refusal saying '%1'").arg(because)));
        removeRules({ star });
    }

    // The mapped form is IPv4 on the wire: it never leaves the sandbox's
    // loopback, so it reaches nothing either.
    void ipv4MappedLoopbackReachesNothing()
    {
        HostService v4(QHostAddress::AnyIPv4);
        const qint64 star = addRule(QStringLiteral("*"));
        const QByteArray r = connectAndRead(QStringLiteral("::ffff:127.0.0.1"), v4.serverPort());
        QVERIFY2(!r.startsWith("read"), r.constData());
        QCOMPARE(v4.connections, 0);
        removeRules({ star });
    }

    // `allow 127.0.0.1 --port P1` lifts DNS-rebinding protection for that
    // address on P1 only: an allowed name resolving to loopback reaches P1
    // and nothing else.
    void aRuleForOnePortDoesNotOpenTheAddressOnOthers()
    {
        const QString name = QHostInfo::localHostName().toLower();
        const QHostInfo info = QHostInfo::fromName(name);
        if (!isValidHostName(name) || info.addresses().isEmpty())
            QSKIP("this machine's host name does not resolve");
        for (const QHostAddress &a : info.addresses())
            if (!a.isLoopback())
                QSKIP("this machine's host name resolves to an address that is not loopback");
        EchoServer p1, p2;
        const QList<qint64> rules { addRule(name), addRule(QStringLiteral("127.0.0.1"), p1.serverPort()),
                                    addRule(QStringLiteral("::1"), p1.serverPort()) };
        QCOMPARE(connectAndRead(name, p1.serverPort()), QByteArray("read b'ping\\n'"));
        QCOMPARE(connectAndRead(name, p2.serverPort()), QByteArray("reset"));
        auto e = waitForEgressLog(*m_fx.engine, m_fx.sandbox.id, [&](const EgressLogEntry &e) {
            return e.host == name && e.port == p2.serverPort() && e.verdict == EgressVerdict::Denied;
        });
        QVERIFY(e);
        QVERIFY2(e->reason.contains(QStringLiteral("DNS-rebinding")), qPrintable(e->reason));
        QCOMPARE(p2.connections, 0);
        removeRules(rules);
    }
};

QTEST_GUILESS_MAIN(TstHostileEgressAddresses)
#include "tst_hostile_egress_addresses.moc"
