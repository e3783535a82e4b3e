// The H2 gate's parts without sockets: a request head as the gate checks
// and rewrites it, and two nghttp2 sessions talking to each other in memory
// (a client's request with body and trailers, and the window that holds a
// sender back until the gate says the bytes went on).
#include "egress/byte_queue.h"
#include "egress/h2/h2_request_head.h"
#include "egress/h2/h2_session.h"

#include <QTest>

#include <cstring>
#include <map>

using namespace paddock::egress;
using namespace paddock::egress::h2;

namespace {

const GateConnection kConn { "api.test", false, 443, 443 };

H2RequestHead head(const H2Fields &fields)
{
    H2RequestHead h;
    for (const auto &[name, value] : fields)
        h.add(name, value);
    return h;
}

H2Fields basic(const std::string &path = "/v1/items", const std::string &authority = "api.test")
{
    return { { ":method", "GET" }, { ":scheme", "https" }, { ":authority", authority },
        { ":path", path } };
}

std::string valueOf(const H2Fields &fields, const std::string &name)
{
    for (const auto &[n, v] : fields)
        if (n == name) return v;
    return {};
}

// Records what a session's peer did; bodies it sends come from `outgoing`.
struct Recorder : H2Events {
    std::map<int32_t, H2Fields> blocks;
    std::map<int32_t, std::string> data;
    std::map<int32_t, bool> ended;
    std::map<int32_t, uint32_t> closed;
    std::map<int32_t, std::string> outgoing;
    std::map<int32_t, H2Fields> trailers;

    void onBlockBegins(H2Session &, int32_t) override { }
    bool onField(H2Session &, int32_t s, std::string_view n, std::string_view v) override
    {
        blocks[s].emplace_back(std::string(n), std::string(v));
        return true;
    }
    void onBlockEnds(H2Session &, int32_t s, bool end) override { ended[s] = ended[s] || end; }
    void onData(H2Session &, int32_t s, std::string_view bytes) override { data[s] += bytes; }
    void onDataEnds(H2Session &, int32_t s) override { ended[s] = true; }
    void onClosed(H2Session &, int32_t s, uint32_t code) override { closed[s] = code; }
    Body readBody(H2Session &, int32_t s, uint8_t *out, size_t room) override
    {
        std::string &left = outgoing[s];
        Body b;
        b.copied = std::min(room, left.size());
        std::memcpy(out, left.data(), b.copied);
        left.erase(0, b.copied);
        b.ended = left.empty();
        if (b.ended) b.trailers = &trailers[s];
        return b;
    }
};

// Moves frames both ways until neither session has more to say.
void exchange(H2Session &a, H2Session &b)
{
    for (int round = 0; round < 1000; ++round) {
        ByteQueue ab, ba;
        std::string error;
        QVERIFY(a.produce(ab, 1 << 30, error));
        QVERIFY(b.produce(ba, 1 << 30, error));
        if (ab.empty() && ba.empty()) return;
        QVERIFY2(b.receive(ab.view(), error), error.c_str());
        QVERIFY2(a.receive(ba.view(), error), error.c_str());
    }
    QFAIL("the sessions never went quiet");
}

// A client session and a server session, as the gate's two sides face their peers.
struct Connection {
    Recorder clientSide, serverSide;
    H2Session client { H2Session::Role::Client, clientSide };
    H2Session server { H2Session::Role::Server, serverSide };

    int32_t post()
    {
        return client.submitRequest({ { ":method", "POST" }, { ":scheme", "https" },
                                        { ":authority", "api.test" }, { ":path", "/up" } },
            true);
    }
};

} // namespace

class TstEgressHttp2Units : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aPlainRequestIsCheckedAndRewritten()
    {
        H2RequestHead h = head(basic("/v1/./a//b/../items?x=1"));
        h.add("host", "api.test");
        h.add("accept", "*/*");
        QCOMPARE(h.check(kConn), std::string());
        QCOMPARE(h.summary(), std::string("GET /v1/a/items"));
        const H2Fields up = h.upstreamFields(kConn);
        QCOMPARE(up.at(0), (std::pair<std::string, std::string>(":method", "GET")));
        QCOMPARE(valueOf(up, ":path"), std::string("/v1/a/items?x=1"));
        QCOMPARE(valueOf(up, ":authority"), std::string("api.test"));
        QCOMPARE(valueOf(up, "host"), std::string()); // :authority says it
        QCOMPARE(valueOf(up, "accept"), std::string("*/*"));
    }

    void headsThatCannotBeDecidedAreRefused_data()
    {
        QTest::addColumn<QString>("why");
        QTest::addColumn<int>("which");
        QTest::newRow("another host") << "opened for" << 0;
        QTest::newRow("no authority") << "names no server" << 1;
        QTest::newRow("host differs") << "different servers" << 2;
        QTest::newRow("above the root") << "" << 3;
        QTest::newRow("encoded slash") << "" << 4;
        QTest::newRow("CONNECT") << "CONNECT" << 5;
        QTest::newRow(":protocol") << "pseudo-header" << 6;
        QTest::newRow("plain scheme") << "https" << 7;
        QTest::newRow("asterisk") << "" << 8;
        QTest::newRow("another port") << "" << 9;
        QTest::newRow("lower-case method") << "upper case" << 10;
    }

    void headsThatCannotBeDecidedAreRefused()
    {
        QFETCH(QString, why);
        QFETCH(int, which);
        H2RequestHead h;
        switch (which) {
        case 0:
            h = head(basic("/", "evil.test"));
            break;
        case 1:
            h = head({ { ":method", "GET" }, { ":scheme", "https" }, { ":path", "/" } });
            break;
        case 2:
            h = head(basic("/"));
            h.add("host", "evil.test");
            break;
        case 3:
            h = head(basic("/../etc/passwd"));
            break;
        case 4:
            h = head(basic("/a%2fb"));
            break;
        case 5:
            h = head({ { ":method", "CONNECT" }, { ":authority", "api.test:443" } });
            break;
        case 6:
            h = head(basic("/chat"));
            h.add(":protocol", "websocket");
            break;
        case 7:
            h = head({ { ":method", "GET" }, { ":scheme", "http" }, { ":authority", "api.test" },
                { ":path", "/" } });
            break;
        case 8:
            h = head(basic("*"));
            break;
        case 9:
            h = head(basic("/", "api.test:8443"));
            break;
        case 10:
            h = head({ { ":method", "delete" }, { ":scheme", "https" },
                { ":authority", "api.test" }, { ":path", "/" } });
            break;
        }
        const std::string problem = h.check(kConn);
        QVERIFY2(!problem.empty(), "accepted");
        QVERIFY2(QString::fromStdString(problem).contains(why), problem.c_str());
    }

    void aHeadPastItsBoundsIsRefused()
    {
        H2RequestHead h = head(basic());
        bool accepted = true;
        for (size_t i = 0; i <= H2RequestHead::kMaxFields && accepted; ++i)
            accepted = h.add("x-many", "v");
        QVERIFY(!accepted);
        H2RequestHead big = head(basic());
        QVERIFY(!big.add("x-big", std::string(H2RequestHead::kMaxHeadBytes, 'a')));
    }

    void injectionReplacesFieldsWhateverTheirCase()
    {
        H2RequestHead h = head(basic("/q?key=forged&a=1"));
        h.add("authorization", "Bearer forged");
        QCOMPARE(h.check(kConn), std::string());
        h.setField("Authorization", "Bearer real");
        h.setQueryParameter("key", "real");
        const H2Fields up = h.upstreamFields(kConn);
        QCOMPARE(valueOf(up, "authorization"), std::string("Bearer real"));
        QCOMPARE(std::count_if(up.begin(), up.end(),
                     [](const auto &f) { return f.first == "authorization"; }),
            1);
        QVERIFY(valueOf(up, ":path").find("key=real") != std::string::npos);
        QVERIFY(valueOf(up, ":path").find("forged") == std::string::npos);
    }

    void methodOverrideFieldsAreFound()
    {
        H2RequestHead h = head(basic());
        QCOMPARE(h.overrideField(), std::string());
        h.add("x-http-method-override", "DELETE");
        QCOMPARE(h.overrideField(), std::string("x-http-method-override"));
    }

    // A request with a body and trailers, from a client session to a
    // server session and its response back: what the gate relays.
    void aRequestWithBodyAndTrailersCrossesAndIsAnswered()
    {
        Connection c;
        Recorder &clientSide = c.clientSide, &serverSide = c.serverSide;
        H2Session &client = c.client, &server = c.server;
        const int32_t id = c.post();
        QVERIFY(id > 0);
        clientSide.outgoing[id] = "hello body";
        clientSide.trailers[id] = { { "x-checksum", "abc" } };
        exchange(client, server);
        QCOMPARE(serverSide.data[id], std::string("hello body"));
        QVERIFY(serverSide.ended[id]);
        QCOMPARE(valueOf(serverSide.blocks[id], "x-checksum"), std::string("abc"));
        server.consume(id, serverSide.data[id].size());
        serverSide.outgoing[id] = "done";
        serverSide.trailers[id] = { { "grpc-status", "0" } };
        QVERIFY(server.submitResponse(id, { { ":status", "200" } }, true));
        exchange(client, server);
        QCOMPARE(clientSide.data[id], std::string("done"));
        QCOMPARE(valueOf(clientSide.blocks[id], "grpc-status"), std::string("0"));
        QCOMPARE(clientSide.closed.count(id), size_t(1));
        QCOMPARE(clientSide.closed[id], uint32_t(NGHTTP2_NO_ERROR));
    }

    // Until the receiving side says the bytes went on, a sender gets no
    // more than one stream window: the most a gate holds per stream.
    void theWindowHoldsTheSenderUntilBytesAreConsumed()
    {
        Connection c;
        Recorder &clientSide = c.clientSide, &serverSide = c.serverSide;
        H2Session &client = c.client, &server = c.server;
        const int32_t id = c.post();
        clientSide.outgoing[id] = std::string(3 * size_t(H2Session::kStreamWindow), 'x');
        exchange(client, server);
        QCOMPARE(serverSide.data[id].size(), size_t(H2Session::kStreamWindow));
        server.consume(id, serverSide.data[id].size());
        exchange(client, server);
        QCOMPARE(serverSide.data[id].size(), 2 * size_t(H2Session::kStreamWindow));
    }

    // The peer's protocol errors end the session with the reason.
    void garbageEndsTheSession()
    {
        Recorder events;
        H2Session server(H2Session::Role::Server, events);
        std::string error;
        QVERIFY(!server.receive("GET / HTTP/1.1\r\nHost: api.test\r\n\r\n", error));
        QVERIFY(!error.empty());
    }
};

QTEST_GUILESS_MAIN(TstEgressHttp2Units)
#include "tst_egress_http2_units.moc"
