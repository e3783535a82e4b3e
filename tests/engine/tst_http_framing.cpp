// How the HTTP gate frames what it forwards: the head the upstream gets is
// written by the gate (Host from the connection, hop-by-hop and framing
// fields its own), bodies are framed anew, framing the upstream could read
// another way is refused, and responses are read to their one end.
#include "egress/ask_queue.h"
#include "egress/http_request_framer.h"
#include "egress/http_response_framer.h"
#include "egress/refusal.h"

#include <QDir>
#include <QTest>

using namespace paddock;
using namespace paddock::egress;

namespace {

const GateConnection kWeb { "web.test", false, 80 };

struct Framed {
    RequestFramer::State state;
    std::string head; // what the upstream would be sent (when Ready)
    std::string body;
    std::string left; // client bytes not taken
    HttpRefusal refusal;
};

Framed frame(const QByteArray &bytes, const GateConnection &conn = kWeb)
{
    RequestFramer f;
    std::string in = bytes.toStdString();
    Framed out { f.readHead(in, conn), {}, {}, {}, f.refusal() };
    if (out.state != RequestFramer::State::Ready) return out;
    out.head = f.upstreamHead(true);
    if (!f.readBody(in, out.body)) {
        out.refusal = f.refusal();
        out.state = RequestFramer::State::Refused;
    }
    out.left = in;
    return out;
}

struct Read {
    ResponseFramer::State state;
    std::string relayed;
    std::string left;
};

Read respond(const QByteArray &bytes, ResponseExpectation expect = {}, bool eof = false)
{
    ResponseFramer f(expect);
    std::string in = bytes.toStdString();
    Read r { ResponseFramer::State::NeedMore, {}, {} };
    r.state = f.read(in, r.relayed);
    if (eof && r.state == ResponseFramer::State::NeedMore) r.state = f.readEof();
    r.left = in;
    return r;
}

} // namespace

class TstHttpFraming : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void theUpstreamGetsAHeadTheGateWrote()
    {
        const Framed f = frame("GET /a/../b?q=1 HTTP/1.1\r\nHost: WEB.test\r\nAccept: "
                               "*/*\r\nConnection: keep-alive, X-Secret\r\n"
                               "X-Secret: 1\r\nKeep-Alive: 5\r\nProxy-Connection: x\r\nTE: "
                               "trailers\r\nUpgrade: h2c\r\n"
                               "HTTP2-Settings: AAA\r\nTrailer: X\r\nX-Kept: yes\r\n\r\n");
        QCOMPARE(f.state, RequestFramer::State::Ready);
        QCOMPARE(QByteArray::fromStdString(f.head),
            QByteArray(
                "GET /b?q=1 HTTP/1.1\r\nHost: web.test\r\nAccept: */*\r\nX-Kept: yes\r\n\r\n"));
    }

    // CL.0: a body is always framed by the gate and ends the upstream connection.
    void aBodyIsFramedByTheGateAndClosesTheUpstream()
    {
        const Framed get = frame("GET /a HTTP/1.1\r\nHost: web.test\r\nContent-Length: 30\r\n\r\n"
                                 "GET /admin HTTP/1.1\r\nHost: x\r\n\r\nGET /next");
        QCOMPARE(get.state, RequestFramer::State::Ready);
        QCOMPARE(QByteArray::fromStdString(get.head),
            QByteArray("GET /a HTTP/1.1\r\nHost: web.test\r\nConnection: close\r\nContent-Length: "
                       "30\r\n\r\n"));
        QCOMPARE(
            QByteArray::fromStdString(get.body), QByteArray("GET /admin HTTP/1.1\r\nHost: x\r\n"));
        QCOMPARE(QByteArray::fromStdString(get.left),
            QByteArray("\r\nGET /next")); // not this request's: decided on its own
        const Framed chunked
            = frame("POST /a HTTP/1.1\r\nHost: web.test\r\nTransfer-Encoding: Chunked\r\n\r\n"
                    "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
        QCOMPARE(chunked.state, RequestFramer::State::Ready);
        QVERIFY(chunked.head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
        QVERIFY(chunked.head.find("Connection: close\r\n") != std::string::npos);
        QCOMPARE(QByteArray::fromStdString(chunked.body),
            QByteArray("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
        const Framed empty
            = frame("POST /a HTTP/1.1\r\nHost: web.test\r\nContent-Length: 0\r\n\r\n");
        QVERIFY(empty.head.find("Connection")
            == std::string::npos); // no body: the connection may carry the next
        QVERIFY(empty.head.find("Content-Length: 0\r\n") != std::string::npos);
    }

    void framingAnUpstreamCouldReadAnotherWayIsRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("reason");
        const QByteArray h = "POST /a HTTP/1.1\r\nHost: web.test\r\n";
        QTest::newRow("TE then CL") << h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                                    << "Content-Length";
        QTest::newRow("CL then TE") << h + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    << "Transfer-Encoding";
        QTest::newRow("chunked not last, with CL")
            << h + "Transfer-Encoding: chunked, identity\r\nContent-Length: 5\r\n\r\n"
            << "Transfer-Encoding other than one 'chunked'";
        QTest::newRow("gzip") << h + "Transfer-Encoding: gzip\r\n\r\n"
                              << "Transfer-Encoding other than one 'chunked'";
        QTest::newRow("chunked twice in one") << h + "Transfer-Encoding: chunked, chunked\r\n\r\n"
                                              << "one 'chunked'";
        QTest::newRow("chunked twice")
            << h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
            << "Transfer-Encoding";
        QTest::newRow("chunked in 1.0")
            << QByteArray("POST /a HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") << "HTTP/1.0";
        QTest::newRow("unequal lengths") << h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n"
                                         << "Content-Length";
        QTest::newRow("negative length") << h + "Content-Length: -1\r\n\r\n"
                                         << "Content-Length";
        QTest::newRow("bad chunk") << h + "Transfer-Encoding: chunked\r\n\r\nzz\r\n"
                                   << "malformed request body";
        QTest::newRow("leading blank line")
            << QByteArray("\r\nGET /a HTTP/1.1\r\nHost: web.test\r\n\r\n") << "well-formed";
        QTest::newRow("HTTP/0.9") << QByteArray("GET /a\r\n\r\n") << "well-formed";
        QTest::newRow("HTTP/2 preface")
            << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << "well-formed";
        QTest::newRow("CONNECT with a body") << QByteArray(
            "CONNECT web.test:80 HTTP/1.1\r\nHost: web.test\r\nContent-Length: 3\r\n\r\nabc")
                                             << "carries no body";
    }
    void framingAnUpstreamCouldReadAnotherWayIsRefused()
    {
        QFETCH(QByteArray, request);
        QFETCH(QString, reason);
        const Framed f = frame(request);
        QCOMPARE(f.state, RequestFramer::State::Refused);
        QCOMPARE(f.refusal.status, 400u);
        QVERIFY2(
            QString::fromStdString(f.refusal.reason).contains(reason), f.refusal.reason.c_str());
    }

    void hostMustNameTheConnectionsHost_data()
    {
        QTest::addColumn<QByteArray>("host"); // the field line(s)
        QTest::addColumn<int>("port"); // of the connection
        QTest::addColumn<unsigned>("status"); // 0: accepted
        QTest::addColumn<QByteArray>("sent"); // the Host line the upstream gets
        QTest::newRow("same") << QByteArray("Host: web.test\r\n") << 80 << 0u
                              << QByteArray("Host: web.test\r\n");
        QTest::newRow("case") << QByteArray("Host: Web.TEST:80\r\n") << 80 << 0u
                              << QByteArray("Host: web.test\r\n");
        QTest::newRow("other port") << QByteArray("Host: web.test:8080\r\n") << 8080 << 0u
                                    << QByteArray("Host: web.test:8080\r\n");
        QTest::newRow("other name")
            << QByteArray("Host: other.test\r\n") << 80 << 403u << QByteArray();
        QTest::newRow("suffix") << QByteArray("Host: web.test.evil\r\n") << 80 << 403u
                                << QByteArray();
        QTest::newRow("trailing dot")
            << QByteArray("Host: web.test.\r\n") << 80 << 403u << QByteArray();
        QTest::newRow("wrong port")
            << QByteArray("Host: web.test:81\r\n") << 80 << 403u << QByteArray();
        QTest::newRow("no port on 8080")
            << QByteArray("Host: web.test\r\n") << 8080 << 403u << QByteArray();
        QTest::newRow("two") << QByteArray("Host: web.test\r\nHost: other.test\r\n") << 80 << 400u
                             << QByteArray();
        QTest::newRow("userinfo") << QByteArray("Host: other.test@web.test\r\n") << 80 << 400u
                                  << QByteArray();
        QTest::newRow("empty port")
            << QByteArray("Host: web.test:\r\n") << 80 << 400u << QByteArray();
        QTest::newRow("missing") << QByteArray() << 80 << 400u << QByteArray();
    }
    void hostMustNameTheConnectionsHost()
    {
        QFETCH(QByteArray, host);
        QFETCH(int, port);
        QFETCH(unsigned, status);
        QFETCH(QByteArray, sent);
        const Framed f = frame("GET / HTTP/1.1\r\n" + host + "\r\n",
            GateConnection { "web.test", false, quint16(port) });
        if (status == 0) {
            QCOMPARE(f.state, RequestFramer::State::Ready);
            QVERIFY2(QByteArray::fromStdString(f.head).contains("\r\n" + sent), f.head.c_str());
        } else {
            QCOMPARE(f.state, RequestFramer::State::Refused);
            QCOMPARE(f.refusal.status, status);
        }
    }

    void literalAddressesAndHttp10()
    {
        const GateConnection v6 { "2001:db8::1", true, 80 };
        QCOMPARE(frame("GET / HTTP/1.1\r\nHost: [2001:DB8:0::1]\r\n\r\n", v6).state,
            RequestFramer::State::Ready);
        QCOMPARE(frame("GET / HTTP/1.1\r\nHost: [2001:db8::2]\r\n\r\n", v6).refusal.status, 403u);
        const GateConnection v4 { "10.0.0.5", true, 8080 };
        const Framed ok = frame("GET / HTTP/1.1\r\nHost: 10.0.0.5:8080\r\n\r\n", v4);
        QVERIFY2(ok.head.find("Host: 10.0.0.5:8080\r\n") != std::string::npos, ok.head.c_str());
        // HTTP/1.0 may leave Host out: the connection's is added, and it stays HTTP/1.0.
        const Framed old = frame("GET /x HTTP/1.0\r\n\r\n");
        QCOMPARE(QByteArray::fromStdString(old.head),
            QByteArray("GET /x HTTP/1.0\r\nHost: web.test\r\nConnection: close\r\n\r\n"));
    }

    void onlyAWebSocketUpgradeIsForwarded()
    {
        const Framed ws = frame(
            "GET /ws HTTP/1.1\r\nHost: web.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            "Sec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QVERIFY2(ws.head.find("Connection: Upgrade\r\nUpgrade: websocket\r\n") != std::string::npos,
            ws.head.c_str());
        QVERIFY(ws.head.find("Sec-WebSocket-Key: k\r\n") != std::string::npos);
        const Framed h2c = frame("GET / HTTP/1.1\r\nHost: web.test\r\nConnection: Upgrade, "
                                 "HTTP2-Settings\r\nUpgrade: h2c\r\n"
                                 "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
        QCOMPARE(QByteArray::fromStdString(h2c.head),
            QByteArray("GET / HTTP/1.1\r\nHost: web.test\r\n\r\n"));
        const Framed withBody = frame(
            "GET /ws HTTP/1.1\r\nHost: web.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
            "Content-Length: 1\r\n\r\nx");
        QVERIFY2(withBody.head.find("Upgrade") == std::string::npos, withBody.head.c_str());
    }

    void connectMustNameTheConnectionsHostAndPort()
    {
        const Framed ok = frame("CONNECT web.test:80 HTTP/1.1\r\nHost: web.test:80\r\n\r\n");
        QCOMPARE(ok.state, RequestFramer::State::Ready);
        QCOMPARE(QByteArray::fromStdString(ok.head),
            QByteArray("CONNECT web.test:80 HTTP/1.1\r\nHost: web.test:80\r\n\r\n"));
        QCOMPARE(
            frame("CONNECT other.test:80 HTTP/1.1\r\nHost: web.test\r\n\r\n").refusal.status, 403u);
        QCOMPARE(
            frame("CONNECT web.test:22 HTTP/1.1\r\nHost: web.test\r\n\r\n").refusal.status, 403u);
        QCOMPARE(frame("CONNECT web.test HTTP/1.1\r\nHost: web.test\r\n\r\n").refusal.status, 400u);
    }

    // A value an upstream echoes is masked however its chunk framing cuts
    // it (the sandbox can steer where the cut falls by padding what it
    // sends): the body is decoded, masked as one stream, and chunked anew;
    // trailers are masked like fields.
    void aChunkedBodyIsMaskedAcrossTheUpstreamsChunks()
    {
        SecretRedactor redactor;
        redactor.addValue("S3cr3tV4lu3-XyZ");
        ResponseFramer f(ResponseExpectation {}, &redactor);
        const std::vector<std::string> pieces { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sig\r\n\r\n",
            "a;ext=1\r\nBearer S3c\r\n", "6\r\nr3tV4l\r\n4\r\nu3-X\r\n", "4\r\nyZ!\n\r\n",
            "0\r\nX-Sig: S3cr3tV4lu3-XyZ\r\n\r\n" };
        std::string in, out;
        ResponseFramer::State state = ResponseFramer::State::NeedMore;
        for (const std::string &piece : pieces) { // as the upstream's writes arrive
            in += piece;
            state = f.read(in, out);
        }
        QVERIFY(in.empty());
        QVERIFY2(state == ResponseFramer::State::Complete, f.problem().c_str());
        QVERIFY2(out.find("S3c") == std::string::npos, out.c_str());
        // What the sandbox reads, decoded as a client would.
        const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sig\r\n\r\n";
        QVERIFY2(out.starts_with(head), out.c_str());
        std::string body;
        size_t at = head.size();
        for (;;) {
            const size_t line = out.find("\r\n", at);
            QVERIFY(line != std::string::npos);
            const size_t n = std::stoul(out.substr(at, line - at), nullptr, 16);
            if (n == 0) {
                at = line + 2;
                break;
            }
            body += out.substr(line + 2, n);
            QCOMPARE(out.substr(line + 2 + n, 2), std::string("\r\n"));
            at = line + 4 + n;
        }
        QCOMPARE(body, "Bearer " + std::string(15, '*') + "!\n");
        QCOMPARE(out.substr(at), "X-Sig: " + std::string(15, '*') + "\r\n\r\n");
        // Framed by length, it stays as long, masked in place.
        SecretRedactor again;
        again.addValue("S3cr3tV4lu3-XyZ");
        ResponseFramer byLength(ResponseExpectation {}, &again);
        std::string whole = "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n<S3cr3tV4lu3-XyZ>", relayed;
        QCOMPARE(byLength.read(whole, relayed), ResponseFramer::State::Complete);
        again.flush(relayed); // the gate lets the held bytes go at the end
        QCOMPARE(relayed, "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n<" + std::string(15, '*') + ">");
    }

    void aResponseIsReadToItsOneEnd()
    {
        const Read plain
            = respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n\r\n");
        QCOMPARE(plain.state, ResponseFramer::State::Complete);
        QCOMPARE(QByteArray::fromStdString(plain.relayed),
            QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        QCOMPARE(QByteArray::fromStdString(plain.left),
            QByteArray("HTTP/1.1 200 OK\r\n\r\n")); // not relayed
        const Read head = respond("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
            ResponseExpectation { true, false, false });
        QCOMPARE(head.state, ResponseFramer::State::Complete);
        QCOMPARE(respond("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nxxxxx").left,
            std::string("xxxxx"));
        QCOMPARE(
            respond("HTTP/1.1 304 Not Modified\r\n\r\n").state, ResponseFramer::State::Complete);
        const Read interim = respond("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 "
                                     "OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n");
        QCOMPARE(interim.state, ResponseFramer::State::Complete);
        QVERIFY(interim.left.empty());
        QCOMPARE(respond("HTTP/1.1 200 OK\r\n\r\nuntil the close").state,
            ResponseFramer::State::NeedMore);
        QCOMPARE(respond("HTTP/1.1 200 OK\r\n\r\nuntil the close", {}, true).state,
            ResponseFramer::State::Complete);
        const Read cut = respond("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", {}, true);
        QCOMPARE(cut.state, ResponseFramer::State::Refused);
        QCOMPARE(respond("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").state,
            ResponseFramer::State::Refused);
        QCOMPARE(respond("garbage\r\n\r\n").state, ResponseFramer::State::Refused);
    }

    void aSwitchOfProtocolsMustHaveBeenAskedFor()
    {
        const QByteArray ws = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: "
                              "WebSocket\r\nConnection: Upgrade\r\n\r\n\x81\x01x";
        const Read asked = respond(ws, ResponseExpectation { false, false, true });
        QCOMPARE(asked.state, ResponseFramer::State::Tunnel);
        QCOMPARE(QByteArray::fromStdString(asked.left),
            QByteArray("\x81\x01x")); // tunnel bytes, for the caller
        const Read unasked = respond(ws);
        QCOMPARE(unasked.state, ResponseFramer::State::Refused);
        QVERIFY(unasked.relayed.empty()); // the client never sees the switch
        const Read other = respond("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
            ResponseExpectation { false, false, true });
        QCOMPARE(other.state, ResponseFramer::State::Refused);
        QCOMPARE(respond("HTTP/1.1 200 Connection established\r\n\r\nraw",
                     ResponseExpectation { false, true, false })
                     .state,
            ResponseFramer::State::Tunnel);
        const Read refusedConnect = respond("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
            ResponseExpectation { false, true, false });
        QCOMPARE(refusedConnect.state, ResponseFramer::State::Complete);
    }

    void whatMayStartAnHttpRequestGoesToTheGate_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("http");
        QTest::newRow("GET") << QByteArray("GET / HTTP/1.1\r\n") << true;
        QTest::newRow("rare method") << QByteArray("PROPFIND /admin HTTP/1.1") << true;
        QTest::newRow("lower case") << QByteArray("get /admin") << true;
        QTest::newRow("cut short") << QByteArray("G") << true;
        QTest::newRow("leading CRLF") << QByteArray("\r\nGET /admin") << true;
        QTest::newRow("TLS") << QByteArray("\x16\x03\x01\x02\x00", 5) << false;
        QTest::newRow("redis") << QByteArray("*1\r\n$4\r\nPING\r\n") << false;
        QTest::newRow("binary") << QByteArray("\x00\x00\x00\x08", 4) << false;
    }
    void whatMayStartAnHttpRequestGoesToTheGate()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, http);
        QCOMPARE(mayBeHttpRequest(std::string_view(bytes.constData(), size_t(bytes.size()))), http);
    }

    // One question per request: an answer about GET /a is none about GET /b.
    void questionsAreAskedPerMethodAndPath()
    {
        AskQueue asks(60000);
        EgressQuestion q;
        q.sandboxId = QStringLiteral("sb");
        q.host = QStringLiteral("web.test");
        q.port = 80;
        q.method = QStringLiteral("GET");
        q.path = QStringLiteral("/a");
        int told = 0;
        const QString a1 = asks.ask(q, [&](EgressAnswer, bool) { ++told; });
        const QString a2 = asks.ask(q, [&](EgressAnswer, bool) { ++told; });
        q.path = QStringLiteral("/b");
        const QString b = asks.ask(q, [&](EgressAnswer, bool) { ++told; });
        q.method = QStringLiteral("POST");
        const QString postB = asks.ask(q, [&](EgressAnswer, bool) { ++told; });
        QCOMPARE(a1, a2);
        QVERIFY(a1 != b && b != postB);
        QCOMPARE(asks.pending().size(), 3);
        QVERIFY(asks.answer(a1, EgressAnswer::AllowOnce));
        QCOMPARE(told, 2);
    }

    // What the fuzzer kept (tests/fuzz/egress-corpus) read through the
    // gate's readers on every run: what they accept stays canonical.
    void theFuzzCorpusReadsCleanly()
    {
        const QDir corpus(QStringLiteral(PADDOCK_EGRESS_CORPUS));
        const QStringList files = corpus.entryList(QDir::Files);
        int requests = 0, targets = 0;
        for (const QString &name : files) {
            QFile f(corpus.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            const std::string_view view(bytes.constData(), size_t(bytes.size()));
            const HttpTarget t = normalizeOriginForm(view);
            if (t.ok()) {
                ++targets;
                QCOMPARE(normalizeOriginForm(t.path).path, t.path);
            }
            const Framed request = frame(bytes);
            if (request.state == RequestFramer::State::Ready) {
                ++requests;
                QCOMPARE(frame(QByteArray::fromStdString(request.head)).state,
                    RequestFramer::State::Ready);
            }
            for (ResponseExpectation e :
                { ResponseExpectation {}, ResponseExpectation { true, false, true } })
                QVERIFY(respond(bytes, e, true).relayed.size() <= size_t(bytes.size()));
        }
        QVERIFY2(requests >= 5 && targets >= 1,
            qPrintable(QStringLiteral("%1 requests, %2 targets").arg(requests).arg(targets)));
    }
};

QTEST_GUILESS_MAIN(TstHttpFraming)
#include "tst_http_framing.moc"
