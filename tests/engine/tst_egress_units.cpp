// The egress building blocks on their own: the DNS reader and writer, the
// TLS ClientHello scanner, rule matching, the address policy, the fake
// address pool, the forward proxy settings and the rule store's order.
#include "dropped_packets.h"
#include "egress/address_policy.h"
#include "egress/dns_message.h"
#include "egress/fake_ip_pool.h"
#include "egress/forward_proxy.h"
#include "egress/rule_matcher.h"
#include "egress/socket_tuning.h"
#include "egress/stall_watch.h"
#include "egress/tls_client_hello.h"
#include "store/database.h"
#include "store/egress_rule_store.h"
#include "store/sandbox_store.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace paddock;
using namespace paddock::egress;

namespace {

std::string u16(unsigned v) { return { char(v >> 8), char(v & 0xff) }; }
std::string u24(unsigned v) { return { char(v >> 16), char(v >> 8 & 0xff), char(v & 0xff) }; }

std::string dnsQuery(const std::vector<std::string> &labels, unsigned flags = 0x0100, unsigned questions = 1)
{
    std::string q = u16(0xbeef) + u16(flags) + u16(questions) + u16(0) + u16(0) + u16(0);
    for (const std::string &l : labels)
        q += char(l.size()) + l;
    return q + '\0' + u16(1) + u16(1);
}

std::string serverNameExtension(const std::string &name)
{
    std::string entry = '\0' + u16(unsigned(name.size())) + name;
    std::string list = u16(unsigned(entry.size())) + entry;
    return u16(0) + u16(unsigned(list.size())) + list;
}

// A ClientHello as a TLS client sends it, in records of at most `recordSize`.
std::string clientHello(const std::string &extensions, size_t recordSize = 16384)
{
    std::string body = u16(0x0303) + std::string(32, 'r') + '\0' + u16(2) + u16(0x1301) + '\1' + '\0';
    body += u16(unsigned(extensions.size())) + extensions;
    const std::string handshake = '\1' + u24(unsigned(body.size())) + body;
    std::string out;
    for (size_t at = 0; at < handshake.size(); at += recordSize) {
        const std::string piece = handshake.substr(at, recordSize);
        out += '\x16' + u16(0x0301) + u16(unsigned(piece.size())) + piece;
    }
    return out;
}

Destination to(const QString &host, quint16 port, const QString &address = QStringLiteral("198.18.0.9"))
{
    return Destination { host, QHostAddress(address), port };
}

EgressRule rule(const QString &pattern, EgressAction action, quint16 port = 0)
{
    EgressRule r;
    r.pattern = pattern;
    r.action = action;
    r.port = port;
    return r;
}

} // namespace

class TstEgressUnits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Whatever the host's default (BBR here), a loopback hop gets an
    // unpaced one, even as an ordinary user.
    // An earlier rule hides a later one only when it matches all the later
    // one would: every name, port, method and path.
    void aRuleIsShadowedOnlyByOneThatCoversIt()
    {
        const auto rule = [](qint64 id, const char *pattern, quint16 port = 0, const char *method = "", const char *path = "") {
            EgressRule r;
            r.id = id;
            r.pattern = QString::fromLatin1(pattern);
            r.port = port;
            r.method = QString::fromLatin1(method);
            r.path = QString::fromLatin1(path);
            return r;
        };
        const auto shadow = [](const EgressRule &earlier, const EgressRule &later) {
            return shadowingEgressRule({ earlier, later }, 1);
        };
        QCOMPARE(shadow(rule(1, "*"), rule(2, "api.x.com", 443, "GET")), std::optional<qint64>(1));
        QCOMPARE(shadow(rule(1, "*.x.com"), rule(2, "api.x.com")), std::optional<qint64>(1));
        QCOMPARE(shadow(rule(1, "*.x.com"), rule(2, "*.a.x.com")), std::optional<qint64>(1));
        QCOMPARE(shadow(rule(1, "*.x.com"), rule(2, "x.com")), std::nullopt); // not below it
        QCOMPARE(shadow(rule(1, "*.x.com"), rule(2, "*.x.com", 443)), std::optional<qint64>(1));
        QCOMPARE(shadow(rule(1, "api.x.com", 443), rule(2, "api.x.com")), std::nullopt); // one port of all
        QCOMPARE(shadow(rule(1, "api.x.com", 0, "GET"), rule(2, "api.x.com", 0, "DELETE")), std::nullopt);
        QCOMPARE(shadow(rule(1, "api.x.com", 0, "", "/a/*"), rule(2, "api.x.com", 0, "", "/b")), std::nullopt);
        QCOMPARE(shadow(rule(1, "api.x.com", 0, "", "/*"), rule(2, "api.x.com", 0, "GET", "/b")), std::optional<qint64>(1));
        QCOMPARE(shadow(rule(1, "*.x.com"), rule(2, "10.0.0.0/8")), std::nullopt);
        QCOMPARE(shadowingEgressRule({ rule(1, "a.x.com"), rule(2, "b.x.com"), rule(3, "a.x.com") }, 2), std::optional<qint64>(1));
    }

    void loopbackConnectionsAreUnpaced()
    {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        QVERIFY(fd >= 0);
        egress::preferUnpacedTcp(fd);
        char name[16] = {};
        socklen_t len = sizeof name;
        QCOMPARE(::getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len), 0);
        ::close(fd);
        QVERIFY2(qstrcmp(name, "cubic") == 0 || qstrcmp(name, "reno") == 0, name);
    }

    void dnsReadsAWellFormedQuery()
    {
        const std::string packet = dnsQuery({ "Api", "GitHub", "com" });
        DnsParse p = parseDnsQuery(packet);
        QCOMPARE(int(p.status), int(DnsParse::Status::Query));
        QCOMPARE(p.query.name, std::string("api.github.com"));
        QCOMPARE(p.query.id, uint16_t(0xbeef));
        QCOMPARE(p.query.type, uint16_t(DnsType::A));
        const std::string answer = dnsAddressAnswer(p.query, 0xc6120005, 60);
        QCOMPARE(answer.substr(0, 2), u16(0xbeef));
        QCOMPARE(uint8_t(answer[2]) & 0x80, 0x80); // a response
        QCOMPARE(answer.substr(answer.size() - 4), std::string("\xc6\x12\x00\x05", 4));
        QVERIFY(answer.find("\x03" "Api\x06" "GitHub") != std::string::npos); // the question as asked
    }

    void dnsRefusesWhatIsOutOfTheOrdinary_data()
    {
        QTest::addColumn<QByteArray>("packet");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("rcode");
        QTest::addColumn<QString>("problem");
        auto bytes = [](const std::string &s) { return QByteArray(s.data(), qsizetype(s.size())); };
        const int malformed = int(DnsParse::Status::Malformed);
        QTest::newRow("CRLF in a label") << bytes(dnsQuery({ "evil\r\nX-A: b", "test" })) << malformed << 5 << "\\x0d\\x0a";
        QTest::newRow("a space") << bytes(dnsQuery({ "a b", "test" })) << malformed << 5 << "\\x20";
        QTest::newRow("64-byte label") << bytes(dnsQuery({ std::string(64, 'a'), "test" })) << malformed << 1 << "longer than 63";
        QTest::newRow("254-char name") << bytes(dnsQuery({ std::string(63, 'a'), std::string(63, 'b'), std::string(63, 'c'), std::string(62, 'd') }))
                                       << malformed << 1 << "longer than 253";
        QTest::newRow("two questions") << bytes(dnsQuery({ "a" }, 0x0100, 2)) << malformed << 1 << "exactly one question";
        QTest::newRow("compression") << bytes(u16(1) + u16(0x0100) + u16(1) + u16(0) + u16(0) + u16(0) + "\xc0\x0c" + u16(1) + u16(1))
                                     << malformed << 1 << "compressed";
        QTest::newRow("truncated") << bytes(dnsQuery({ "abc", "test" }).substr(0, 16)) << malformed << 1 << "past the end";
        QTest::newRow("an inverse query") << bytes(dnsQuery({ "a" }, 0x0900)) << malformed << 4 << "not a standard query";
        QTest::newRow("a response") << bytes(dnsQuery({ "a" }, 0x8180)) << int(DnsParse::Status::Drop) << 1 << "";
        QTest::newRow("a runt") << QByteArray("\x12\x34\x01", 3) << int(DnsParse::Status::Drop) << 1 << "";
    }
    void dnsRefusesWhatIsOutOfTheOrdinary()
    {
        QFETCH(QByteArray, packet);
        QFETCH(int, status);
        QFETCH(int, rcode);
        QFETCH(QString, problem);
        DnsParse p = parseDnsQuery(std::string_view(packet.constData(), size_t(packet.size())));
        QCOMPARE(int(p.status), status);
        if (status == int(DnsParse::Status::Malformed)) {
            QCOMPARE(int(p.rcode), rcode);
            QVERIFY2(QString::fromStdString(p.problem).contains(problem), p.problem.c_str());
            const std::string reply = dnsEmptyAnswer(p.query, p.rcode);
            QCOMPARE(uint8_t(reply[3]) & 0x0f, rcode);
        }
    }

    void dnsAnswersPointers()
    {
        const std::string packet = dnsQuery({ "5", "0", "18", "198", "in-addr", "arpa" }); // the query points into it
        DnsParse p = parseDnsQuery(packet);
        const std::string reply = dnsPointerAnswer(p.query, "api.example.com", 60);
        QVERIFY(reply.ends_with(std::string("\x03" "api\x07" "example\x03" "com\0", 17)));
    }

    void tlsScannerFindsTheServerName()
    {
        ClientHelloScan s = scanClientHello(clientHello(serverNameExtension("Api.Example.com.")));
        QCOMPARE(int(s.status), int(ClientHelloScan::Status::Hello));
        QCOMPARE(s.serverName, std::string("api.example.com"));
    }

    // Splitting the ClientHello over records must not hide the name.
    void tlsScannerReassemblesRecords()
    {
        const std::string hello = clientHello(u16(0x0017) + u16(0) + serverNameExtension("split.test"), 7);
        ClientHelloScan s = scanClientHello(hello);
        QCOMPARE(int(s.status), int(ClientHelloScan::Status::Hello));
        QCOMPARE(s.serverName, std::string("split.test"));
        for (size_t cut : { size_t(1), size_t(5), size_t(20), hello.size() - 1 })
            QCOMPARE(int(scanClientHello(hello.substr(0, cut)).status), int(ClientHelloScan::Status::NeedMore));
    }

    void tlsScannerRefusesAmbiguity()
    {
        const std::string twice = serverNameExtension("a.test") + serverNameExtension("b.test");
        QCOMPARE(int(scanClientHello(clientHello(twice)).status), int(ClientHelloScan::Status::Malformed));
        std::string badLength = clientHello(serverNameExtension("a.test"));
        badLength[3] = '\x7f'; // a record far longer than TLS allows
        QCOMPARE(int(scanClientHello(badLength).status), int(ClientHelloScan::Status::Malformed));
        std::string notHello = clientHello(serverNameExtension("a.test"));
        notHello[5] = '\x02'; // a ServerHello
        QCOMPARE(int(scanClientHello(notHello).status), int(ClientHelloScan::Status::Malformed));
        QCOMPARE(int(scanClientHello(clientHello(serverNameExtension("a\r\nb"))).status), int(ClientHelloScan::Status::Malformed));
    }

    void tlsScannerPassesOtherProtocols()
    {
        QCOMPARE(int(scanClientHello("GET / HTTP/1.1\r\n").status), int(ClientHelloScan::Status::NotTls));
        QCOMPARE(int(scanClientHello("SSH-2.0-OpenSSH").status), int(ClientHelloScan::Status::NotTls));
        ClientHelloScan none = scanClientHello(clientHello(std::string()));
        QCOMPARE(int(none.status), int(ClientHelloScan::Status::Hello));
        QVERIFY(none.serverName.empty());
    }

    void rulesMatchNamesGlobsPortsAndAddresses_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<int>("rulePort");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("address");
        QTest::addColumn<int>("port");
        QTest::addColumn<bool>("matches");
        const QString fake = QStringLiteral("198.18.0.9");
        QTest::newRow("exact") << "api.github.com" << 0 << "api.github.com" << fake << 443 << true;
        QTest::newRow("exact, other name") << "api.github.com" << 0 << "github.com" << fake << 443 << false;
        QTest::newRow("glob, child") << "*.github.com" << 0 << "api.github.com" << fake << 443 << true;
        QTest::newRow("glob, grandchild") << "*.github.com" << 0 << "a.b.github.com" << fake << 443 << true;
        QTest::newRow("glob, not the domain itself") << "*.github.com" << 0 << "github.com" << fake << 443 << false;
        QTest::newRow("glob, not a suffix trick") << "*.github.com" << 0 << "evilgithub.com" << fake << 443 << false;
        QTest::newRow("port matches") << "a.test" << 443 << "a.test" << fake << 443 << true;
        QTest::newRow("port differs") << "a.test" << 443 << "a.test" << fake << 80 << false;
        QTest::newRow("star, name") << "*" << 0 << "x.test" << fake << 1 << true;
        QTest::newRow("star, literal") << "*" << 0 << "" << "10.0.0.1" << 1 << true;
        QTest::newRow("address") << "10.0.0.5" << 0 << "" << "10.0.0.5" << 22 << true;
        QTest::newRow("address, not a name") << "10.0.0.5" << 0 << "x.test" << "10.0.0.5" << 22 << false;
        QTest::newRow("cidr") << "10.0.0.0/8" << 0 << "" << "10.200.0.5" << 22 << true;
        QTest::newRow("cidr, outside") << "10.0.0.0/8" << 0 << "" << "11.0.0.5" << 22 << false;
        QTest::newRow("ipv6") << "2001:db8::/32" << 0 << "" << "2001:db8::1" << 443 << true;
        QTest::newRow("name, not a literal") << "x.test" << 0 << "" << "10.0.0.1" << 80 << false;
    }
    void rulesMatchNamesGlobsPortsAndAddresses()
    {
        QFETCH(QString, pattern);
        QFETCH(int, rulePort);
        QFETCH(QString, host);
        QFETCH(QString, address);
        QFETCH(int, port);
        QFETCH(bool, matches);
        QCOMPARE(ruleMatches(rule(pattern, EgressAction::Allow, quint16(rulePort)), to(host, quint16(port), address)), matches);
    }

    void theFirstMatchingRuleDecides()
    {
        const QList<EgressRule> rules { rule(QStringLiteral("bad.example.com"), EgressAction::Deny),
                                        rule(QStringLiteral("*.example.com"), EgressAction::Allow),
                                        rule(QStringLiteral("*"), EgressAction::Ask, 22) };
        QCOMPARE(decide(rules, to(QStringLiteral("bad.example.com"), 443), false).action, EgressAction::Deny);
        QCOMPARE(decide(rules, to(QStringLiteral("ok.example.com"), 443), false).action, EgressAction::Allow);
        QCOMPARE(decide(rules, to(QStringLiteral("other.test"), 22), false).action, EgressAction::Ask);
        Decision fallback = decide(rules, to(QStringLiteral("other.test"), 80), false);
        QCOMPARE(fallback.action, EgressAction::Deny);
        QVERIFY(!fallback.rule);
        QVERIFY(fallback.reason.contains(QStringLiteral("no rule allows other.test:80")));
        QCOMPARE(decide(rules, to(QStringLiteral("other.test"), 80), true).action, EgressAction::Ask);
        QVERIFY(decide(rules, to(QStringLiteral("bad.example.com"), 1), false).reason.contains(QStringLiteral("deny bad.example.com")));
    }

    void httpRulesMatchMethodAndPath()
    {
        EgressRule get = rule(QStringLiteral("api.test"), EgressAction::Allow);
        get.method = QStringLiteral("GET");
        get.path = QStringLiteral("/repos/*/issues");
        const Destination d = to(QStringLiteral("api.test"), 80);
        const HttpRequestInfo ok { QStringLiteral("GET"), QStringLiteral("/repos/a/b/issues") };
        const HttpRequestInfo post { QStringLiteral("POST"), QStringLiteral("/repos/a/issues") };
        const HttpRequestInfo other { QStringLiteral("GET"), QStringLiteral("/repos/a/pulls") };
        QVERIFY(ruleMatches(get, d, &ok));
        QVERIFY(!ruleMatches(get, d, &post));
        QVERIFY(!ruleMatches(get, d, &other));
        QVERIFY(!ruleMatches(get, d, nullptr)); // not HTTP: never an HTTP rule
        EgressRule exact = get;
        exact.method.clear();
        exact.path = QStringLiteral("/health");
        const HttpRequestInfo head { QStringLiteral("HEAD"), QStringLiteral("/health") };
        const HttpRequestInfo longer { QStringLiteral("GET"), QStringLiteral("/healthz") };
        QVERIFY(ruleMatches(exact, d, &head));
        QVERIFY(!ruleMatches(exact, d, &longer));
        const QList<EgressRule> rules { get, rule(QStringLiteral("api.test"), EgressAction::Deny), rule(QStringLiteral("*"), EgressAction::Allow) };
        QVERIFY(dependsOnHttpRequest(rules, d));
        QVERIFY(!dependsOnHttpRequest(rules, to(QStringLiteral("other.test"), 80)));
        QCOMPARE(decide(rules, d, false, &post).action, EgressAction::Deny);
        QCOMPARE(describeEgressRule(get), QStringLiteral("allow api.test GET /repos/*/issues"));
        EgressRule bad = get;
        bad.method = QStringLiteral("get me");
        QVERIFY(!validateEgressRule(bad));
        bad = get;
        bad.path = QStringLiteral("/a b");
        QVERIFY(!validateEgressRule(bad));
        bad.path = QStringLiteral("nope");
        QVERIFY(!validateEgressRule(bad));
    }

    void onlyAnAllowRuleNamingTheAddressExemptsIt()
    {
        const QList<EgressRule> rules { rule(QStringLiteral("*"), EgressAction::Allow),
                                        rule(QStringLiteral("10.1.0.0/16"), EgressAction::Allow),
                                        rule(QStringLiteral("10.2.0.1"), EgressAction::Deny) };
        QVERIFY(rulesNameAddress(rules, QHostAddress(QStringLiteral("10.1.2.3")), 443));
        QVERIFY(!rulesNameAddress(rules, QHostAddress(QStringLiteral("10.2.0.1")), 443));
        QVERIFY(!rulesNameAddress(rules, QHostAddress(QStringLiteral("127.0.0.1")), 443));
    }

    void nonPublicAddressesAreNamed_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("why");
        QTest::newRow("loopback") << "127.0.0.1" << "loopback";
        QTest::newRow("loopback, other") << "127.5.6.7" << "loopback";
        QTest::newRow("mapped loopback") << "::ffff:127.0.0.1" << "loopback";
        QTest::newRow("ipv6 loopback") << "::1" << "loopback";
        QTest::newRow("private 10") << "10.9.8.7" << "private (10.0.0.0/8)";
        QTest::newRow("private 172") << "172.20.0.1" << "private (172.16.0.0/12)";
        QTest::newRow("private 192") << "192.168.1.1" << "private (192.168.0.0/16)";
        QTest::newRow("metadata") << "169.254.169.254" << "cloud metadata";
        QTest::newRow("link-local") << "169.254.1.1" << "link-local (169.254.0.0/16)";
        QTest::newRow("unique local") << "fd12::1" << "private (fc00::/7)";
        QTest::newRow("unspecified") << "0.0.0.0" << "this-host (0.0.0.0/8)";
        QTest::newRow("public") << "140.82.112.3" << "";
        QTest::newRow("public v6") << "2606:4700::1111" << "";
    }
    void nonPublicAddressesAreNamed()
    {
        QFETCH(QString, address);
        QFETCH(QString, why);
        QCOMPARE(nonPublicReason(QHostAddress(address)).value_or(QString()), why);
    }

    void fakeAddressesAreStablePerName()
    {
        FakeIpPool pool;
        bool isNew = false;
        const uint32_t a = pool.addressFor(QStringLiteral("a.test"), &isNew).value_or(0);
        QVERIFY(isNew);
        QVERIFY(isFakeAddress(a));
        QCOMPARE(pool.addressFor(QStringLiteral("a.test"), &isNew), a);
        QVERIFY(!isNew);
        const uint32_t b = pool.addressFor(QStringLiteral("b.test")).value_or(0);
        QVERIFY(a != b);
        QCOMPARE(pool.nameAt(b).value_or(QString()), QStringLiteral("b.test"));
        QVERIFY(!pool.nameAt(0x08080808));
        // Restored from storage, the same names keep their addresses.
        FakeIpPool restored;
        restored.restore({ { FakeIpPool::slotOf(a), QStringLiteral("a.test") }, { FakeIpPool::slotOf(b), QStringLiteral("b.test") } });
        QCOMPARE(restored.addressFor(QStringLiteral("b.test")), b);
        QVERIFY(restored.addressFor(QStringLiteral("c.test")) != a);
    }

    // The real size: every slot is handed out once before any is reused,
    // and a full pool of young names refuses rather than reuse.
    void theFullSizePoolHandsOutEverySlotBeforeReusing()
    {
        qint64 now = 0;
        FakeIpPool pool(kFakeSlots, [&now] { return now; });
        const uint32_t first = pool.addressFor(QStringLiteral("first.test")).value_or(0);
        for (uint32_t i = 1; i < kFakeSlots; ++i)
            QVERIFY(pool.addressFor(QStringLiteral("n%1.test").arg(i)));
        QCOMPARE(pool.size(), int(kFakeSlots));
        QVERIFY(!pool.addressFor(QStringLiteral("one-more.test")));
        now += 10 * 60 * 1000;
        QCOMPARE(pool.addressFor(QStringLiteral("one-more.test")), first);
        QCOMPARE(pool.nameAt(first).value_or(QString()), QStringLiteral("one-more.test"));
        QVERIFY(isFakeAddress(pool.addressFor(QStringLiteral("n5.test")).value_or(0)));
    }

    void theForwardProxyFollowsNoProxy()
    {
        auto proxy = ForwardProxy::fromSettings(QStringLiteral("http://user:pw@proxy.corp:3128"), QStringLiteral("http://web-proxy.corp:8080"),
                                                QStringLiteral("localhost, .internal.corp,example.org,10.0.0.0/8"));
        QVERIFY(proxy && *proxy);
        auto tunnel = (*proxy)->proxyFor(QStringLiteral("api.github.com"), 443);
        QVERIFY(tunnel);
        QCOMPARE(tunnel->host, QStringLiteral("proxy.corp"));
        QCOMPARE(tunnel->authorization, QByteArray("Basic ") + QByteArray("user:pw").toBase64());
        QCOMPARE((*proxy)->proxyFor(QStringLiteral("plain.test"), 80)->host, QStringLiteral("web-proxy.corp"));
        QVERIFY(!(*proxy)->proxyFor(QStringLiteral("git.internal.corp"), 443));
        QVERIFY(!(*proxy)->proxyFor(QStringLiteral("example.org"), 443));
        QVERIFY(!(*proxy)->proxyFor(QStringLiteral("www.example.org"), 443));
        QVERIFY((*proxy)->proxyFor(QStringLiteral("notexample.org"), 443));
        QVERIFY(!(*proxy)->proxyFor(QStringLiteral("10.1.2.3"), 443));
        QVERIFY(!ForwardProxy::fromSettings(QStringLiteral("https://proxy.corp"), {}, {})); // would leak: refused
        QVERIFY(!ForwardProxy::fromSettings(QStringLiteral("socks5://proxy.corp"), {}, {}));
        auto none = ForwardProxy::fromSettings({}, {}, QStringLiteral("x"));
        QVERIFY(none && !*none);
    }

    void patternsAreValidated()
    {
        for (const char *good : { "api.github.com", "*.github.com", "*", "10.0.0.0/8", "2001:db8::1", "under_score.test" })
            QVERIFY2(validateEgressRule(rule(QString::fromLatin1(good), EgressAction::Allow)), good);
        for (const char *bad : { "", "api.*.com", "*github.com", "a..b", "bad host", "exa\r\nmple.com", "10.0.0.0/33", "UPPER.test" })
            QVERIFY2(!validateEgressRule(rule(QString::fromLatin1(bad), EgressAction::Allow)), bad);
    }

    // What the fuzzer kept (tests/fuzz/egress-corpus), replayed on every run.
    void theFuzzCorpusParsesCleanly()
    {
        const QDir corpus(QStringLiteral(PADDOCK_EGRESS_CORPUS));
        const QStringList files = corpus.entryList(QDir::Files);
        QVERIFY(files.size() >= 9);
        int queries = 0, hellos = 0;
        for (const QString &name : files) {
            QFile f(corpus.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            const std::string_view view(bytes.constData(), size_t(bytes.size()));
            const DnsParse dns = parseDnsQuery(view);
            if (dns.status == DnsParse::Status::Query) {
                ++queries;
                QVERIFY(!dnsAddressAnswer(dns.query, 0xc6120001, 60).empty());
            }
            if (scanClientHello(view).status == ClientHelloScan::Status::Hello)
                ++hellos;
            const auto *raw = reinterpret_cast<const uint8_t *>(bytes.constData());
            (void)init::parseDropLogMessages(raw, size_t(bytes.size()));
            (void)init::describeDroppedPacket(raw, size_t(bytes.size()));
        }
        QVERIFY(queries >= 3 && hellos >= 3);
    }

    void theRuleStoreKeepsOrder()
    {
        QTemporaryDir dir;
        auto db = store::Database::open(dir.filePath(QStringLiteral("t.db")));
        QVERIFY(db);
        store::SandboxStore sandboxes(**db);
        SandboxInfo sb;
        sb.id = QStringLiteral("sb1");
        sb.name = QStringLiteral("one");
        sb.createdAt = QDateTime::currentDateTimeUtc();
        sb.baseImage = QStringLiteral("host");
        QVERIFY(sandboxes.insert(sb));
        store::EgressRuleStore rules(**db);
        auto names = [&](const QString &scope) {
            QStringList out;
            const QList<EgressRule> list = rules.rules(scope).value();
            for (const EgressRule &r : list)
                out << r.pattern;
            return out.join(u',');
        };
        auto add = [&](const char *p, int at) {
            EgressRule r = rule(QString::fromLatin1(p), EgressAction::Allow);
            r.sandboxId = QStringLiteral("sb1");
            return rules.insert(r, at).value().id;
        };
        const qint64 a = add("a", -1);
        add("b", -1);
        const qint64 c = add("c", 0);
        add("d", 1);
        QCOMPARE(names(QStringLiteral("sb1")), QStringLiteral("c,d,a,b"));
        QVERIFY(rules.move(c, 3));
        QCOMPARE(names(QStringLiteral("sb1")), QStringLiteral("d,a,b,c"));
        QVERIFY(rules.move(c, 0));
        QCOMPARE(names(QStringLiteral("sb1")), QStringLiteral("c,d,a,b"));
        QVERIFY(rules.remove(a));
        QCOMPARE(names(QStringLiteral("sb1")), QStringLiteral("c,d,b"));
        QCOMPARE(names(QString()), QString()); // the global list is apart
        QVERIFY(sandboxes.remove(QStringLiteral("sb1")));
        QCOMPARE(names(QStringLiteral("sb1")), QString()); // gone with its sandbox
    }

    // The log names rules by ID: a deleted rule's ID never comes to mean
    // another rule, the newest one's included, and not after a reopen.
    void ruleIdsAreNeverHandedOutTwice()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("t.db"));
        qint64 newest = 0;
        {
            auto db = store::Database::open(path);
            QVERIFY(db);
            store::EgressRuleStore rules(**db);
            rules.insert(rule(QStringLiteral("a.test"), EgressAction::Allow), -1).value();
            newest = rules.insert(rule(QStringLiteral("b.test"), EgressAction::Allow), -1).value().id;
            QVERIFY(rules.remove(newest));
            const qint64 next = rules.insert(rule(QStringLiteral("c.test"), EgressAction::Allow), -1).value().id;
            QVERIFY2(next > newest, qPrintable(QStringLiteral("%1 after %2").arg(next).arg(newest)));
            newest = next;
            QVERIFY(rules.remove(newest));
        }
        auto db = store::Database::open(path);
        QVERIFY(db);
        store::EgressRuleStore rules(**db);
        QVERIFY(rules.insert(rule(QStringLiteral("d.test"), EgressAction::Allow), -1).value().id > newest);
    }

    // Queued bytes that stop moving end the connection; bytes that move,
    // or none queued, never do.
    void aStallIsQueuedBytesThatStopMoving()
    {
        int stalls = 0;
        StallWatch watch(150, [&stalls] { ++stalls; });
        watch.queued(0);
        QTest::qWait(250);
        QCOMPARE(stalls, 0); // nothing queued: idle, not stalled
        for (size_t queued : { 1000, 900, 2000, 100 }) { // moving, each change within the time
            watch.queued(queued);
            QTest::qWait(80);
        }
        QCOMPARE(stalls, 0);
        watch.queued(100); // the same again: still the old clock
        QTRY_COMPARE_WITH_TIMEOUT(stalls, 1, 1000);
        watch.queued(0);
        QTest::qWait(250);
        QCOMPARE(stalls, 1);
    }
};

QTEST_GUILESS_MAIN(TstEgressUnits)
#include "tst_egress_units.moc"
