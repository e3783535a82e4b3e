// The first bytes of an allowed connection, before any reach the upstream:
// what could be TLS is judged as TLS (only a well-formed ClientHello, in
// handshake records of a TLS version, passes), a TLS port takes nothing
// else, and the splice relay never passes bytes its check has not decided.
#include "egress/first_flight.h"
#include "egress/splice_relay.h"
#include "egress/tls_client_hello.h"

#include <QTest>

#include <fcntl.h>
#include <sys/socket.h>

#include <cstring>
#include <mutex>
#include <optional>

using namespace paddock;
using namespace paddock::egress;

namespace {

std::string u16(unsigned v) { return { char(v >> 8), char(v & 0xff) }; }
std::string u24(unsigned v) { return { char(v >> 16), char(v >> 8 & 0xff), char(v & 0xff) }; }

std::string serverNameExtension(const std::string &name)
{
    std::string entry = '\0' + u16(unsigned(name.size())) + name;
    std::string list = u16(unsigned(entry.size())) + entry;
    return u16(0) + u16(unsigned(list.size())) + list;
}

std::string paddingExtension(size_t size) { return u16(21) + u16(unsigned(size)) + std::string(size, '\0'); }

std::string handshake(const std::string &extensions, const std::string &trailing = {})
{
    std::string body = u16(0x0303) + std::string(32, 'r') + '\0' + u16(2) + u16(0x1301) + '\1' + '\0';
    body += u16(unsigned(extensions.size())) + extensions + trailing;
    return '\1' + u24(unsigned(body.size())) + body;
}

// A handshake message in records of at most `recordSize`, each of `version`.
std::string records(const std::string &message, size_t recordSize = 16384, unsigned version = 0x0301)
{
    std::string out;
    for (size_t at = 0; at < message.size(); at += recordSize) {
        const std::string piece = message.substr(at, recordSize);
        out += '\x16' + u16(version) + u16(unsigned(piece.size())) + piece;
    }
    return out;
}

std::string hello(const std::string &name) { return records(handshake(serverNameExtension(name))); }

const std::string kWarningAlert("\x15\x03\x01\x00\x02\x01\x5a", 7); // user_canceled, as Go skips it

// An SSL 2.0-format ClientHello (RFC 6101 appendix E.1), offering TLS 1.0.
std::string sslV2Hello()
{
    const std::string body = std::string("\x01\x03\x01", 3) + u16(3) + u16(0) + u16(16) + std::string("\x00\x00\x2f", 3)
        + std::string(16, 'c');
    return std::string(1, char(0x80 | body.size() >> 8)) + char(body.size() & 0xff) + body;
}

using Verdict = FirstFlightRuling::Verdict;

// A relay between two socket pairs: the test plays the sandbox on one
// side and the upstream on the other.
struct RelayedPair {
    SpliceRelay relay;
    UniqueFd sandbox, upstream;
    std::mutex mutex;
    std::optional<RelayTotals> totals; // guarded by mutex: set on the relay's thread

    explicit RelayedPair(FirstFlightCheck check)
    {
        int a[2], b[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, a) != 0
            || ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, b) != 0)
            qFatal("socketpair: %s", strerror(errno));
        sandbox.reset(a[0]);
        upstream.reset(b[1]);
        for (int fd : { a[1], b[0] })
            ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        relay.add(UniqueFd(a[1]), UniqueFd(b[0]), std::move(check), [this](const RelayTotals &t) {
            std::lock_guard lock(mutex);
            totals = t;
        });
    }
    bool finished()
    {
        std::lock_guard lock(mutex);
        return totals.has_value();
    }
    // Everything the upstream got before the relay closed it.
    QByteArray upstreamReceived()
    {
        QByteArray all;
        char buf[65536];
        ssize_t n;
        while ((n = ::recv(upstream.get(), buf, sizeof buf, MSG_DONTWAIT)) > 0)
            all.append(buf, n);
        return all;
    }
};

FirstFlightCheck neverDecides()
{
    return [](std::string_view) { return FirstFlight { FirstFlight::Verdict::NeedMore, {}, {} }; };
}

} // namespace

class TstEgressFirstFlight : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Each is refused on every port, for names and literal addresses, and
    // the reason says what was seen.
    void whatCouldBeTlsMustBeAWellFormedClientHello_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("seen");
        auto row = [](const char *name, const std::string &bytes, const char *seen) {
            QTest::newRow(name) << QByteArray::fromStdString(bytes) << QString::fromUtf8(seen);
        };
        const std::string good = hello("a.test");
        row("alert first", kWarningAlert + good, "TLS alert record before the ClientHello");
        row("change_cipher_spec first", std::string("\x14\x03\x03\x00\x01\x01", 6) + good,
            "TLS change_cipher_spec record before the ClientHello");
        row("application_data first", std::string("\x17\x03\x03\x00\x01x", 6) + good, "TLS application_data record before");
        row("heartbeat first", std::string("\x18\x03\x03\x00\x01x", 6) + good, "TLS heartbeat record before");
        row("ack first", std::string("\x1a\x03\x03\x00\x01x", 6) + good, "TLS ack record before");
        row("record version 0x0200", records(handshake(serverNameExtension("a.test")), 16384, 0x0200),
            "TLS record version 0x0200 (TLS uses 0x0300–0x0304)");
        row("record version 0x0000", records(handshake(serverNameExtension("a.test")), 16384, 0x0000), "TLS record version 0x0000");
        row("record version 0x0305", records(handshake(serverNameExtension("a.test")), 16384, 0x0305), "TLS record version 0x0305");
        row("record version 0x0003", records(handshake(serverNameExtension("a.test")), 16384, 0x0003), "TLS record version 0x0003");
        std::string laterVersion = records(handshake(serverNameExtension("a.test")), 20);
        laterVersion[25 + 1] = '\x02';
        row("second record's version", laterVersion, "TLS record version 0x02");
        const std::string split = records(handshake(serverNameExtension("a.test")), 20);
        row("alert inside", split.substr(0, 25) + kWarningAlert + split.substr(25), "ClientHello interrupted by a TLS alert record");
        row("SSLv2-format hello", sslV2Hello(), "SSLv2-format ClientHello (first byte 0x80, message type 1)");
        row("SSLv2-format header, any length", "\xff\xfe\x01 garbage", "SSLv2-format ClientHello (first byte 0xff");
        row("spread over tiny records", records(handshake(serverNameExtension("evil.test") + paddingExtension(32600)), 100),
            "ClientHello spread over more than 33 KiB of records");
        row("bytes after the extensions", records(handshake(serverNameExtension("a.test"), "xx")),
            "bytes after the ClientHello's extensions");
        row("empty server name", hello(""), "empty server name");
        row("empty server_name list", records(handshake(u16(0) + u16(2) + u16(0))), "empty server_name list");
        row("two names", records(handshake(serverNameExtension("a.test") + serverNameExtension("b.test"))),
            "two server_name extensions");
    }
    void whatCouldBeTlsMustBeAWellFormedClientHello()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, seen);
        const std::string_view view(bytes.constData(), size_t(bytes.size()));
        QCOMPARE(int(scanClientHello(view).status), int(ClientHelloScan::Status::Malformed));
        for (const char *host : { "", "a.test" })
            for (quint16 port : { 443, 7, 5432 }) {
                const FirstFlightRuling r = judgeFirstFlight(view, host, port);
                QCOMPARE(int(r.verdict), int(Verdict::Refuse));
                QVERIFY2(QString::fromStdString(r.reason).contains(seen), r.reason.c_str());
                QCOMPARE(r.protocol, std::string("tls"));
            }
    }

    // No waiting for a whole record to refuse what its first bytes rule out,
    // and no deciding before there are enough of them to tell.
    void theFirstBytesAloneCanDecide()
    {
        QCOMPARE(int(scanClientHello("\x15").status), int(ClientHelloScan::Status::NeedMore));
        QCOMPARE(int(scanClientHello("\x15\x03").status), int(ClientHelloScan::Status::Malformed));
        QCOMPARE(int(scanClientHello("\x80\x2e").status), int(ClientHelloScan::Status::NeedMore));
        QCOMPARE(int(scanClientHello("\x80\x2e\x01").status), int(ClientHelloScan::Status::Malformed));
        QCOMPARE(int(scanClientHello("\x16\x02").status), int(ClientHelloScan::Status::Malformed));
        QCOMPARE(int(scanClientHello(std::string("\x16\x03\x00", 3)).status), int(ClientHelloScan::Status::NeedMore));
        QCOMPARE(int(scanClientHello("\x16\x03\x05").status), int(ClientHelloScan::Status::Malformed));
        QCOMPARE(int(scanClientHello("\x16").status), int(ClientHelloScan::Status::NeedMore));
        QCOMPARE(int(scanClientHello("\x16\x03").status), int(ClientHelloScan::Status::NeedMore));
    }

    // The scanner decides within kMaxClientHelloRecords bytes, whatever the
    // records: the relay holding them never has to pass undecided bytes.
    void theScannerDecidesWithinItsBuffer()
    {
        for (size_t recordSize : { size_t(1), size_t(7), size_t(100), size_t(16384) }) {
            const std::string big = records(handshake(serverNameExtension("a.test") + paddingExtension(32600)), recordSize);
            const std::string_view view(big);
            const size_t limit = std::min(view.size(), kMaxClientHelloRecords);
            QVERIFY(scanClientHello(view.substr(0, limit)).status != ClientHelloScan::Status::NeedMore);
        }
    }

    void plainBytesPassOnlyWhereTlsIsNotUsual()
    {
        const std::string plainFirstBytes[] = {
            "GET / HTTP/1.1\r\n",
            "SSH-2.0-OpenSSH_9.2\r\n",
            "hello\n",
            std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8), // PostgreSQL's SSLRequest
            std::string("\xc5\x00\x00\x01\x85\xa6", 6), // a MySQL reply: little-endian length 197
            std::string("\xc8\x00\x00\x00\x01\x00", 6), // a MongoDB message of 200 bytes
            std::string("\x16\x10\x00\x00", 4), // handshake type, but a version no stack takes
            std::string("\x17\x01\x00\x00", 4), // application_data type without a 3.x version
        };
        for (const std::string &bytes : plainFirstBytes) {
            QCOMPARE(int(scanClientHello(bytes).status), int(ClientHelloScan::Status::NotTls));
            const FirstFlightRuling pass = judgeFirstFlight(bytes, "a.test", 5432);
            QCOMPARE(int(pass.verdict), int(Verdict::Pass));
            QCOMPARE(pass.protocol, std::string("tcp"));
            for (quint16 port : { 443, 8443, 853, 993 }) {
                const FirstFlightRuling r = judgeFirstFlight(bytes, "a.test", port);
                QCOMPARE(int(r.verdict), int(Verdict::Refuse));
                QVERIFY2(r.reason.starts_with("port " + std::to_string(port) + " is a TLS port"), r.reason.c_str());
            }
        }
        const FirstFlightRuling r = judgeFirstFlight("GET /secret HTTP/1.1", "", 443);
        QCOMPARE(r.reason, std::string("port 443 is a TLS port, and the first bytes (47 45 54 20 2f 73 65 63 …) are not a TLS ClientHello"));
    }

    void tlsPortsAreTheImplicitTlsServices()
    {
        for (quint16 port : { 443, 8443, 853, 465, 993, 995, 636, 5061, 6697, 9443, 6443, 8883 })
            QVERIFY2(isTlsPort(port), qPrintable(QString::number(port)));
        for (quint16 port : { 80, 7, 22, 25, 587, 5432, 8080, 0 })
            QVERIFY2(!isTlsPort(port), qPrintable(QString::number(port)));
    }

    void theServerNameIsCheckedForNamedConnectionsOnly()
    {
        const std::string noSni = records(handshake(std::string()));
        QCOMPARE(int(judgeFirstFlight(hello("a.test"), "a.test", 443).verdict), int(Verdict::Pass));
        QCOMPARE(judgeFirstFlight(hello("A.Test."), "a.test", 443).protocol, std::string("tls"));
        QCOMPARE(int(judgeFirstFlight(hello("a.test"), "a.test", 443).verdict), int(Verdict::Pass));
        const FirstFlightRuling fronted = judgeFirstFlight(hello("evil.test"), "a.test", 443);
        QCOMPARE(int(fronted.verdict), int(Verdict::Refuse));
        QVERIFY(fronted.reason.find("'evil.test' differs from 'a.test'") != std::string::npos);
        const FirstFlightRuling anonymous = judgeFirstFlight(noSni, "a.test", 443);
        QCOMPARE(int(anonymous.verdict), int(Verdict::Refuse));
        QVERIFY(anonymous.reason.find("names no server (SNI)") != std::string::npos);
        QCOMPARE(int(judgeFirstFlight(noSni, "", 443).verdict), int(Verdict::Pass));
        QCOMPARE(int(judgeFirstFlight(hello("any.test"), "", 443).verdict), int(Verdict::Pass));
        QCOMPARE(int(judgeFirstFlight(hello("a.test").substr(0, 30), "a.test", 443).verdict), int(Verdict::NeedMore));
    }

    // A check still undecided when the relay's buffer is full refuses: the
    // bytes are never passed on unchecked.
    void theRelayRefusesWhatFillsItsBufferUndecided()
    {
        RelayedPair pair(neverDecides());
        const std::string bytes(kMaxClientHelloRecords + 4096, '\x16');
        size_t sent = 0;
        QVERIFY(QTest::qWaitFor([&] {
            const ssize_t n = ::send(pair.sandbox.get(), bytes.data() + sent, bytes.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
            sent += n > 0 ? size_t(n) : 0;
            return pair.finished() || sent == bytes.size();
        }, 10000));
        QTRY_VERIFY_WITH_TIMEOUT(pair.finished(), 10000);
        QVERIFY2(pair.totals->refusal.contains(QStringLiteral("too long to check")), qPrintable(pair.totals->refusal));
        QCOMPARE(pair.upstreamReceived(), QByteArray());
    }

    // The sandbox ending its side halfway through what the check needs is
    // no reason to pass it on.
    void theRelayRefusesWhatEndsUndecided()
    {
        RelayedPair pair(neverDecides());
        QCOMPARE(::send(pair.sandbox.get(), "\x16\x03\x01", 3, MSG_NOSIGNAL), ssize_t(3));
        ::shutdown(pair.sandbox.get(), SHUT_WR);
        QTRY_VERIFY_WITH_TIMEOUT(pair.finished(), 10000);
        QVERIFY2(pair.totals->refusal.contains(QStringLiteral("closed its side after 3 bytes")), qPrintable(pair.totals->refusal));
        QCOMPARE(pair.upstreamReceived(), QByteArray());
    }

    void theRelayPassesAConnectionThatSaysNothing()
    {
        RelayedPair pair(neverDecides());
        ::shutdown(pair.sandbox.get(), SHUT_WR);
        ::shutdown(pair.upstream.get(), SHUT_WR);
        QTRY_VERIFY_WITH_TIMEOUT(pair.finished(), 10000);
        QCOMPARE(pair.totals->refusal, QString());
    }
};

QTEST_GUILESS_MAIN(TstEgressFirstFlight)
#include "tst_egress_first_flight.moc"
