// Network attacks from inside a sandbox: it has only its own loopback, and
// no power over its network configuration. (What reaches the egress
// interception is attacked in tst_hostile_egress.)
#include "hostile_probe.h"

#include <QLocalServer>
#include <QTcpServer>
#include <QTest>
#include <QUuid>

using namespace paddock;
using namespace paddock::test;

class TstHostileNetwork : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;

    // Runs a python socket probe; it prints "denied <errno name>" or "open".
    QByteArray probe(const QString &body)
    {
        ExecOutput r = pythonAttack(m_fx, QStringLiteral("import socket, errno\ntry:\n") + body
                                              + QStringLiteral("\n    print('open')\nexcept OSError as e:\n"
                                                               "    print('denied', errno.errorcode.get(e.errno, e.errno))"));
        return r.out.trimmed();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("net"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
    }

    void cleanupTestCase() { m_fx.tearDown(); }

    void rawSocketsAreDenied()
    {
        QCOMPARE(probe(QStringLiteral("    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)")),
                 QByteArray("denied EPERM"));
    }

    void packetSocketsAreDenied()
    {
        QCOMPARE(probe(QStringLiteral("    socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)")), QByteArray("denied EPERM"));
    }

    void hostLoopbackServicesAreUnreachable()
    {
        QTcpServer host;
        QVERIFY(host.listen(QHostAddress::LocalHost));
        QByteArray r = probe(QStringLiteral("    socket.create_connection(('127.0.0.1', %1), timeout=5)").arg(host.serverPort()));
        QCOMPARE(r, QByteArray("denied ECONNREFUSED")); // the sandbox's loopback is its own
        QVERIFY(!host.hasPendingConnections());
    }

    void hostAbstractUnixSocketsAreUnreachable()
    {
        const QString name = QStringLiteral("paddock-test-") + QUuid::createUuid().toString(QUuid::Id128);
        QLocalServer host;
        host.setSocketOptions(QLocalServer::AbstractNamespaceOption);
        QVERIFY(host.listen(name));
        QByteArray r = probe(QStringLiteral("    s = socket.socket(socket.AF_UNIX)\n    s.connect('\\0%1')").arg(name));
        QCOMPARE(r, QByteArray("denied ECONNREFUSED")); // abstract sockets belong to the network namespace
    }

    void theEnginesApiSocketIsNotVisible()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("test -e '%1' && echo visible; ls /run /tmp | grep -c sock")
                                        .arg(m_fx.engine->paths().apiSocket()));
        QCOMPARE(r.out.trimmed(), QByteArray("0"));
    }

    // The only way out is the interception, which refuses what no rule allows.
    void outsideAddressesEndAtTheInterception()
    {
        QByteArray r = probe(QStringLiteral("    s = socket.create_connection(('198.51.100.1', 80), timeout=5)\n    s.recv(1)\n    raise OSError(0, 'read')"));
        QCOMPARE(r, QByteArray("denied ECONNRESET"));
    }

    void networkConfigurationCannotChange()
    {
        ExecOutput r = attack(m_fx, QStringLiteral("ip link set lo down; echo a=$?; ip route add default dev lo; echo b=$?; "
                                                   "ip addr add 10.9.9.9/32 dev lo; echo c=$?; ip -o link show lo | grep -c UP"));
        QVERIFY2(!r.out.contains("a=0") && !r.out.contains("b=0") && !r.out.contains("c=0"), r.out.constData());
        QVERIFY(r.out.endsWith("1\n")); // lo is still up
    }
};

QTEST_GUILESS_MAIN(TstHostileNetwork)
#include "tst_hostile_network.moc"
