// Which addresses a name or `allow *` may not lead to: the workstation's
// own interface addresses, IPv6 addresses that embed a non-public IPv4
// address, and when a rule naming an address lifts that (its port too).
#include "egress/address_policy.h"
#include "egress/embedded_ipv4.h"
#include "egress/rule_matcher.h"
#include "egress/workstation_addresses.h"

#include <QNetworkInterface>
#include <QTest>

using namespace paddock;
using namespace paddock::egress;

namespace {

EgressRule rule(const QString &pattern, EgressAction action, quint16 port = 0)
{
    EgressRule r;
    r.pattern = pattern;
    r.action = action;
    r.port = port;
    return r;
}

QHostAddress ip(const char *text) { return QHostAddress(QString::fromLatin1(text)); }

// A workstation on a LAN numbered from public space, as some are.
const QList<InterfaceAddress> kOwn {
    { ip("127.0.0.1"), QStringLiteral("lo") },
    { ip("203.0.113.5"), QStringLiteral("eth0") },
    { ip("2001:db8:1::5"), QStringLiteral("eth0") },
    { ip("198.51.100.9"), QStringLiteral("wg0") },
};

} // namespace

class TstEgressAddressPolicy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ipv6AddressesThatCarryIpv4AreDecoded_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QStringList>("carried");
        auto row = [](const char *address, QStringList carried) { QTest::newRow(address) << QString::fromLatin1(address) << carried; };
        row("64:ff9b::7f00:1", { QStringLiteral("127.0.0.1 NAT64 (64:ff9b::/96)") });
        row("64:ff9b::a00:1", { QStringLiteral("10.0.0.1 NAT64 (64:ff9b::/96)") });
        row("::7f00:1", { QStringLiteral("127.0.0.1 IPv4-compatible (::/96)") });
        row("::ffff:0:a9fe:a9fe", { QStringLiteral("169.254.169.254 IPv4-translated (::ffff:0:0:0/96)") });
        row("2002:7f00:1::", { QStringLiteral("127.0.0.1 6to4 (2002::/16)") });
        row("2002:c0a8:101:1::1", { QStringLiteral("192.168.1.1 6to4 (2002::/16)") });
        // Teredo: server 65.54.227.120, client 127.0.0.1 stored inverted (80ff:fffe).
        row("2001:0:4136:e378:8000:63bf:80ff:fffe",
            { QStringLiteral("65.54.227.120 Teredo server (2001::/32)"), QStringLiteral("127.0.0.1 Teredo client (2001::/32)") });
        row("2001:db8::200:5efe:a00:1", { QStringLiteral("10.0.0.1 ISATAP interface identifier") });
        row("::ffff:127.0.0.1", {}); // IPv4-mapped: an IPv4 address, judged as one
        row("2606:4700::1111", {});
        row("127.0.0.1", {});
    }
    void ipv6AddressesThatCarryIpv4AreDecoded()
    {
        QFETCH(QString, address);
        QFETCH(QStringList, carried);
        QStringList found;
        for (const EmbeddedIpv4 &e : embeddedIpv4(QHostAddress(address)))
            found << QHostAddress(e.address).toString() + u' ' + QString::fromLatin1(e.how);
        QCOMPARE(found, carried);
    }

    void embeddedNonPublicAddressesAreNotPublic_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("why");
        QTest::newRow("NAT64 loopback") << "64:ff9b::7f00:1" << "loopback (127.0.0.1 embedded in NAT64 (64:ff9b::/96))";
        QTest::newRow("NAT64 metadata") << "64:ff9b::a9fe:a9fe" << "cloud metadata (169.254.169.254 embedded in NAT64 (64:ff9b::/96))";
        QTest::newRow("NAT64 workstation") << "64:ff9b::cb00:7105"
                                           << "this workstation's address (eth0) (203.0.113.5 embedded in NAT64 (64:ff9b::/96))";
        QTest::newRow("NAT64 public") << "64:ff9b::8c52:7003" << "";
        QTest::newRow("local-use NAT64") << "64:ff9b:1::8c52:7003" << "local-use NAT64 (64:ff9b:1::/48)";
        QTest::newRow("compatible") << "::7f00:1" << "loopback (127.0.0.1 embedded in IPv4-compatible (::/96))";
        QTest::newRow("6to4") << "2002:7f00:1::" << "loopback (127.0.0.1 embedded in 6to4 (2002::/16))";
        QTest::newRow("6to4 private") << "2002:a00:1::1" << "private (10.0.0.0/8) (10.0.0.1 embedded in 6to4 (2002::/16))";
        QTest::newRow("6to4 public") << "2002:8c52:7003::1" << "";
        QTest::newRow("Teredo client") << "2001:0:8c52:7003:8000:63bf:80ff:fffe"
                                       << "loopback (127.0.0.1 embedded in Teredo client (2001::/32))";
        QTest::newRow("Teredo server") << "2001:0:a00:1:8000:63bf:73ad:8ffc"
                                       << "private (10.0.0.0/8) (10.0.0.1 embedded in Teredo server (2001::/32))";
        QTest::newRow("mapped") << "::ffff:127.0.0.1" << "loopback";
        QTest::newRow("unspecified") << "::" << "unspecified";
        QTest::newRow("ipv6 loopback") << "::1" << "loopback";
    }
    void embeddedNonPublicAddressesAreNotPublic()
    {
        QFETCH(QString, address);
        QFETCH(QString, why);
        QCOMPARE(nonPublicReason(QHostAddress(address), kOwn).value_or(QString()), why);
    }

    void theWorkstationsOwnAddressesAreNotPublic_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("why");
        QTest::newRow("LAN address") << "203.0.113.5" << "this workstation's address (eth0)";
        QTest::newRow("IPv6 address") << "2001:db8:1::5" << "this workstation's address (eth0)";
        QTest::newRow("mapped LAN address") << "::ffff:203.0.113.5" << "this workstation's address (eth0)";
        QTest::newRow("VPN address") << "198.51.100.9" << "this workstation's address (wg0)";
        QTest::newRow("its neighbour") << "203.0.113.6" << "";
        QTest::newRow("loopback stays loopback") << "127.0.0.1" << "loopback";
    }
    void theWorkstationsOwnAddressesAreNotPublic()
    {
        QFETCH(QString, address);
        QFETCH(QString, why);
        QCOMPARE(nonPublicReason(QHostAddress(address), kOwn).value_or(QString()), why);
    }

    // The live list: every address Qt sees on this machine is judged
    // non-public by the check the dialer uses.
    void everyAddressOfThisMachineIsNotPublic()
    {
        auto own = workstationAddresses();
        QVERIFY2(own, own ? "" : qPrintable(own.error().message));
        const QList<QHostAddress> all = QNetworkInterface::allAddresses();
        QVERIFY(!all.isEmpty());
        for (QHostAddress a : all) {
            a.setScopeId(QString());
            QVERIFY2(nonPublicReason(a), qPrintable(a.toString()));
        }
        // Read twice with nothing changed: the same list, from the cache.
        auto again = workstationAddresses();
        QVERIFY(again);
        QCOMPARE(again->size(), own->size());
    }

    // As for a connection to the address itself: the first rule naming the
    // address and port decides, and only an allow rule for the whole
    // connection lifts the check.
    void onlyAnAllowRuleNamingAddressAndPortExemptsIt()
    {
        const QHostAddress loopback = ip("127.0.0.1");
        QVERIFY(rulesNameAddress({ rule(QStringLiteral("127.0.0.1"), EgressAction::Allow, 1) }, loopback, 1));
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("127.0.0.1"), EgressAction::Allow, 1) }, loopback, 2));
        QVERIFY(rulesNameAddress({ rule(QStringLiteral("127.0.0.0/8"), EgressAction::Allow) }, loopback, 2));
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("127.0.0.1"), EgressAction::Deny) }, loopback, 1));
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("127.0.0.1"), EgressAction::Ask) }, loopback, 1));
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("*"), EgressAction::Allow) }, loopback, 1));
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("localhost"), EgressAction::Allow) }, loopback, 1));
        // A deny (or ask) rule naming it first wins over a later allow.
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("127.0.0.1"), EgressAction::Deny, 1), rule(QStringLiteral("127.0.0.0/8"), EgressAction::Allow) },
                                  loopback, 1));
        QVERIFY(!rulesNameAddress({ rule(QStringLiteral("127.0.0.0/8"), EgressAction::Ask), rule(QStringLiteral("127.0.0.1"), EgressAction::Allow) },
                                  loopback, 1));
        // …but one for another port does not.
        QVERIFY(rulesNameAddress({ rule(QStringLiteral("127.0.0.1"), EgressAction::Deny, 2), rule(QStringLiteral("127.0.0.1"), EgressAction::Allow) },
                                 loopback, 1));
        // A rule deciding single HTTP requests cannot vouch for a connection.
        EgressRule getOnly = rule(QStringLiteral("127.0.0.1"), EgressAction::Allow);
        getOnly.method = QStringLiteral("GET");
        QVERIFY(!rulesNameAddress({ getOnly, rule(QStringLiteral("127.0.0.1"), EgressAction::Allow) }, loopback, 1));
    }
};

QTEST_GUILESS_MAIN(TstEgressAddressPolicy)
#include "tst_egress_address_policy.moc"
