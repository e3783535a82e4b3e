// The local API on its unix socket, spoken to byte by byte: malformed
// requests get a clear JSON error, and exec streams NDJSON events.
#include "test_support.h"

#include "paddock/api_server.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstApi : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    std::unique_ptr<api::ApiServer> m_server;

    // Sends raw bytes and returns everything the server wrote before closing.
    QByteArray exchange(const QByteArray &request)
    {
        QLocalSocket socket;
        socket.connectToServer(m_fx.engine->paths().apiSocket());
        if (!socket.waitForConnected(2000))
            return "test: cannot connect";
        socket.write(request);
        QByteArray response;
        connect(&socket, &QLocalSocket::readyRead, &socket, [&] { response += socket.readAll(); });
        if (!QTest::qWaitFor([&] { return socket.state() == QLocalSocket::UnconnectedState; }, kWaitMs))
            return "test: no end of response";
        return response + socket.readAll();
    }

    static QByteArray post(const QByteArray &path, const QByteArray &body)
    {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    }

    static int status(const QByteArray &response) { return response.mid(9, 3).toInt(); }
    static QJsonObject jsonBody(const QByteArray &response)
    {
        return QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object();
    }
    static QString errorCode(const QByteArray &response)
    {
        return jsonBody(response).value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("api"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_server = std::make_unique<api::ApiServer>(*m_fx.engine);
        auto listening = m_server->listen();
        QVERIFY2(listening, qPrintable(listening ? QString() : listening.error().message));
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_fx.tearDown();
    }

    void garbageGetsA400WithAJsonError()
    {
        QByteArray r = exchange("NOT HTTP AT ALL\r\n\r\n");
        QCOMPARE(status(r), 400);
        QCOMPARE(errorCode(r), QStringLiteral("invalid_argument"));
    }

    void oversizedBodyIsRefusedBeforeItArrives()
    {
        QByteArray r = exchange("POST /v1/sandboxes HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{");
        QCOMPARE(status(r), 400);
        QVERIFY(jsonBody(r).value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("limit")));
        // Only a file upload may exceed the ordinary 8 MiB.
        QByteArray mid = exchange("POST /v1/sandboxes HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n{");
        QCOMPARE(status(mid), 400);
    }

    void unknownRouteIs404AndWrongMethodIs405()
    {
        QCOMPARE(status(exchange("GET /v1/nope HTTP/1.1\r\nHost: x\r\n\r\n")), 404);
        QCOMPARE(status(exchange("PUT /v1/sandboxes HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")), 405);
    }

    void invalidJsonBodyIs400()
    {
        QByteArray r = exchange(post("/v1/sandboxes", "{not json"));
        QCOMPARE(status(r), 400);
        QVERIFY(jsonBody(r).value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("JSON")));
    }

    void execWithoutArgvIs400()
    {
        QByteArray r = exchange(post("/v1/sandboxes/api/exec", "{\"argv\": [1, 2]}"));
        QCOMPARE(status(r), 400);
        QCOMPARE(errorCode(r), QStringLiteral("invalid_argument"));
    }

    void unknownSandboxIs404()
    {
        QByteArray r = exchange("GET /v1/sandboxes/nope HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(status(r), 404);
        QCOMPARE(errorCode(r), QStringLiteral("not_found"));
    }

    void commandNotFoundIs422BeforeAnyStream()
    {
        QByteArray r = exchange(post("/v1/sandboxes/api/exec", "{\"argv\": [\"nope-cmd\"]}"));
        QCOMPARE(status(r), 422);
        QCOMPARE(errorCode(r), QStringLiteral("command_not_found"));
    }

    void terminalNeedsAnUpgrade()
    {
        QByteArray r = exchange(post("/v1/sandboxes/api/exec", "{\"argv\": [\"sh\"], \"tty\": true}"));
        QCOMPARE(status(r), 400);
        QVERIFY(jsonBody(r).value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("Upgrade")));
    }

    void upgradedExecCarriesKeysBothWays()
    {
        QByteArray body = "{\"argv\": [\"sh\"], \"tty\": {\"rows\": 33, \"cols\": 99}}";
        QByteArray request = "POST /v1/sandboxes/api/exec HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                             "Upgrade: paddock-exec-v1\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        // Keys sent right behind the request, before the upgrade is answered.
        request += "{\"type\":\"stdin\",\"data\":\"" + QByteArray("stty size; exit 3\n").toBase64() + "\"}\n";
        QByteArray r = exchange(request);
        QCOMPARE(status(r), 101);
        QVERIFY(r.contains("Upgrade: paddock-exec-v1"));
        QByteArray output;
        for (const QByteArray &line : r.mid(r.indexOf("\r\n\r\n") + 4).split('\n')) {
            QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.value(QStringLiteral("type")).toString() == QLatin1String("stdout"))
                output += QByteArray::fromBase64(event.value(QStringLiteral("data")).toString().toLatin1());
        }
        QVERIFY2(output.contains("33 99"), output.constData());
        QVERIFY(r.contains("{\"exitCode\":3,\"signal\":0,\"type\":\"exit\"}"));
    }

    void execStreamsNdjsonEventsInChunks()
    {
        QByteArray r = exchange(post("/v1/sandboxes/api/exec", "{\"argv\": [\"sh\", \"-c\", \"echo hi; echo oops >&2; exit 5\"]}"));
        QCOMPARE(status(r), 200);
        QVERIFY(r.contains("Transfer-Encoding: chunked"));
        QVERIFY(r.contains("\"type\":\"start\""));
        QVERIFY(r.contains("{\"data\":\"" + QByteArray("hi\n").toBase64() + "\",\"type\":\"stdout\"}"));
        QVERIFY(r.contains("{\"data\":\"" + QByteArray("oops\n").toBase64() + "\",\"type\":\"stderr\"}"));
        QVERIFY(r.contains("{\"exitCode\":5,\"signal\":0,\"type\":\"exit\"}"));
        QVERIFY(r.endsWith("0\r\n\r\n"));
    }
};

QTEST_GUILESS_MAIN(TstApi)
#include "tst_api.moc"
