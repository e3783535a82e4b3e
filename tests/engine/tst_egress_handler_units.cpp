// The pieces of inspect rules' handlers without a sandbox: what the engine
// accepts from a script (handler_verdict.h), the framing it speaks with
// paddock-handler (handler_wire.h), and the runner's bounds and turns
// against the real helper.
#include "egress/handler/handler_runner.h"
#include "egress/handler/handler_verdict.h"
#include "egress/handler/handler_wire.h"
#include "egress/http_request_framer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace paddock;
using namespace paddock::egress;

namespace {

const HandlerOrigin kOrigin { "api.test", 443 };

QJsonObject sendOf(const QJsonObject &request)
{
    return QJsonObject { { QStringLiteral("action"), QStringLiteral("send") },
        { QStringLiteral("request"), request } };
}

QJsonObject request(const QString &url, const QJsonArray &headers = {},
    const QString &method = QStringLiteral("GET"))
{
    return QJsonObject { { QStringLiteral("method"), method }, { QStringLiteral("url"), url },
        { QStringLiteral("headers"), headers } };
}

QString problemOf(const QJsonObject &result)
{
    auto v = readHandlerVerdict(result, kOrigin);
    return v ? QString() : v.error().message;
}

HandlerCall callOf(const QString &sandbox, const QString &source)
{
    return HandlerCall { sandbox, sandbox, EgressHandler { QStringLiteral("t.js"), source, {} },
        request(QStringLiteral("https://api.test/")), QJsonObject {} };
}

} // namespace

class TstEgressHandlerUnits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aSentRequestStaysOnItsHost()
    {
        auto v = readHandlerVerdict(
            sendOf(request(QStringLiteral("https://API.test/a/b?c=d"))), kOrigin);
        QVERIFY2(v, v ? "" : qPrintable(v.error().message));
        QCOMPARE(v->target, std::string("/a/b?c=d"));
        QVERIFY(readHandlerVerdict(sendOf(request(QStringLiteral("/x?y"))), kOrigin));
        for (const char *url :
            { "https://evil.test/a", "https://api.test:8443/a", "http://api.test/a",
                "https://user:pw@api.test/a", "//evil.test/a", "", "relative", "/a b" })
            QVERIFY2(!problemOf(sendOf(request(QString::fromLatin1(url)))).isEmpty(), url);
    }

    void headersPaddockWritesOrThatSplitAHeadAreRefused()
    {
        for (const auto &[name, value] : { std::pair { "Content-Length", "5" },
                 std::pair { "host", "evil.test" }, std::pair { "Transfer-Encoding", "chunked" },
                 std::pair { "X-Ok", "a\r\nX-Injected: 1" }, std::pair { "Bad Name", "v" },
                 std::pair { "", "v" } })
            QVERIFY2(!problemOf(sendOf(request(QStringLiteral("/"),
                                    QJsonArray { QJsonArray {
                                        QString::fromLatin1(name), QString::fromLatin1(value) } })))
                          .isEmpty(),
                name);
        QVERIFY(problemOf(
            sendOf(request(QStringLiteral("/"),
                QJsonArray { QJsonArray { QStringLiteral("X-Sig"), QStringLiteral("a\tb") } })))
                    .isEmpty());
    }

    void methodsAreUpperCaseTokensAndNeverConnect()
    {
        for (const char *m : { "get", "CONNECT", "", "G ET", "ABCDEFGHIJKLMNOPQRSTUVWXYZ" })
            QVERIFY2(!problemOf(sendOf(request(QStringLiteral("/"), {}, QString::fromLatin1(m))))
                          .isEmpty(),
                m);
    }

    void bodiesAreBounded()
    {
        QJsonObject big = request(QStringLiteral("/"), {}, QStringLiteral("POST"));
        big.insert(QStringLiteral("body"), QString(kMaxHandlerBody + 1, u'x'));
        QVERIFY(problemOf(sendOf(big)).contains(QStringLiteral("limited")));
        QJsonObject binary = request(QStringLiteral("/"), {}, QStringLiteral("POST"));
        binary.insert(QStringLiteral("bodyBase64"), QStringLiteral("AAEC"));
        auto v = readHandlerVerdict(sendOf(binary), kOrigin);
        QVERIFY(v && v->body == std::string("\0\1\2", 3));
        binary.insert(QStringLiteral("bodyBase64"), QStringLiteral("not base64!"));
        QVERIFY(!problemOf(sendOf(binary)).isEmpty());
    }

    void answersHaveAReadableStatus()
    {
        const auto respond = [](const QJsonValue &status) {
            return QJsonObject { { QStringLiteral("action"), QStringLiteral("respond") },
                { QStringLiteral("response"),
                    QJsonObject { { QStringLiteral("status"), status } } } };
        };
        QVERIFY(problemOf(respond(200)).isEmpty());
        QJsonObject noContent = respond(204);
        QJsonObject response = noContent[QStringLiteral("response")].toObject();
        response.insert(QStringLiteral("body"), QStringLiteral("x"));
        noContent.insert(QStringLiteral("response"), response);
        QVERIFY(problemOf(noContent).contains(QStringLiteral("has no body")));
        for (const QJsonValue &bad : { QJsonValue(101), QJsonValue(600), QJsonValue(200.5),
                 QJsonValue(QStringLiteral("200")) })
            QVERIFY(!problemOf(respond(bad)).isEmpty());
    }

    void aDenialsReasonIsOneLine()
    {
        auto v = readHandlerVerdict(
            QJsonObject { { QStringLiteral("action"), QStringLiteral("deny") },
                { QStringLiteral("reason"), QStringLiteral("no\r\nX-Evil: 1") } },
            kOrigin);
        QVERIFY(v && v->kind == HandlerVerdict::Kind::Deny);
        QCOMPARE(v->reason, std::string("no  X-Evil: 1"));
        QVERIFY(!problemOf(QJsonObject { { QStringLiteral("action"), QStringLiteral("explode") } })
                     .isEmpty());
    }

    void framesSurviveAnySplitAndRefuseOversizedOnes()
    {
        const QByteArray two = handlerFrame(QJsonObject { { QStringLiteral("id"), 1 } })
            + handlerFrame(QJsonObject { { QStringLiteral("id"), 2 } });
        HandlerFrameReader reader;
        QList<qint64> ids;
        for (char c : two) {
            reader.append(QByteArray(1, c));
            while (auto m = reader.next()) {
                QVERIFY(*m);
                ids.append(m->value().value(QStringLiteral("id")).toInteger());
            }
        }
        QCOMPARE(ids, (QList<qint64> { 1, 2 }));
        HandlerFrameReader oversized;
        oversized.append(QByteArray("\x7f\xff\xff\xff", 4));
        auto m = oversized.next();
        QVERIFY(m && !*m);
        HandlerFrameReader notAnObject;
        notAnObject.append(QByteArray("\0\0\0\2[]", 6));
        m = notAnObject.next();
        QVERIFY(m && !*m);
    }

    // The handler gets a chunked body decoded; what it sends goes by length.
    void aRewrittenRequestIsFramedAnew()
    {
        const GateConnection conn { "api.test", false, 443, 443 };
        std::string raw = "POST /a HTTP/1.1\r\nHost: api.test\r\nTransfer-Encoding: "
                          "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        RequestFramer f;
        QCOMPARE(f.readHead(raw, conn), RequestFramer::State::Ready);
        std::string body;
        QVERIFY(f.readBodyDecoded(raw, body) && f.bodyDone());
        QCOMPARE(body, std::string("abcde"));
        f.rewrite("PUT", normalizeOriginForm("/b?x=1"), { { "X-Sig", "1" } }, 3);
        const std::string head = f.upstreamHead(false);
        QVERIFY2(head.starts_with("PUT /b?x=1 HTTP/1.1\r\nHost: api.test\r\nX-Sig: 1\r\n"),
            head.c_str());
        QVERIFY(head.find("Content-Length: 3\r\n") != std::string::npos);
        QVERIFY(head.find("Transfer-Encoding") == std::string::npos);
    }

    // A sandbox whose handler loops waits for its own calls, not another's.
    void callsTakeTurnsBetweenSandboxes()
    {
        HandlerRunner runner(qEnvironmentVariable("PADDOCK_HANDLER_BIN"));
        QStringList finished;
        const auto note = [&](const QString &what) {
            return [&finished, what](
                       std::variant<HandlerReply, HandlerFailure>) { finished.append(what); };
        };
        const QString loop = QStringLiteral("function handle() { for (;;) {} }");
        for (int i = 1; i <= 3; ++i)
            runner.run(
                callOf(QStringLiteral("looping"), loop), note(QStringLiteral("loop%1").arg(i)));
        runner.run(
            callOf(QStringLiteral("other"), QStringLiteral("function handle(r) { return r; }")),
            note(QStringLiteral("other")));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 4, 30000);
        QVERIFY2(
            finished.indexOf(QStringLiteral("other")) < finished.indexOf(QStringLiteral("loop3")),
            qPrintable(finished.join(u' ')));
    }

    void aLoopIsStoppedAtItsBoundAndTheHelperServesTheNextCall()
    {
        HandlerRunner runner(qEnvironmentVariable("PADDOCK_HANDLER_BIN"));
        std::optional<std::variant<HandlerReply, HandlerFailure>> looped, next;
        QElapsedTimer t;
        t.start();
        runner.run(
            callOf(QStringLiteral("a"), QStringLiteral("function handle() { while (true) {} }")),
            [&](auto outcome) { looped = std::move(outcome); });
        QTRY_VERIFY_WITH_TIMEOUT(looped.has_value(), 15000);
        QVERIFY(t.elapsed() >= HandlerRunner::kTimeLimitMs);
        QVERIFY(std::get<HandlerFailure>(*looped).error.contains(QStringLiteral("time bound")));
        runner.run(callOf(QStringLiteral("a"),
                       QStringLiteral("function handle(r) { console.log('hi'); return r; }")),
            [&](auto outcome) { next = std::move(outcome); });
        QTRY_VERIFY_WITH_TIMEOUT(next.has_value(), 15000);
        QVERIFY(std::holds_alternative<HandlerReply>(*next));
        QCOMPARE(std::get<HandlerReply>(*next).logs, QStringList { QStringLiteral("hi") });
    }

    // Mistakes a script makes fail the call with a message that says what
    // to do, instead of sending something else.
    void scriptMistakesFailClearly_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown secret")
            << QStringLiteral("function handle(r, s) { return Paddock.hmacSha256(s.NOPE, 'x'); }")
            << QStringLiteral("no secret NOPE is handed to this handler");
        QTest::newRow("null data")
            << QStringLiteral("function handle(r, s) { Paddock.sha256(r.body); return r; }")
            << QStringLiteral("the data is null");
        QTest::newRow("response-like object")
            << QStringLiteral("function handle() { return { status: 200 }; }")
            << QStringLiteral("return Paddock.respond");
        QTest::newRow("empty object")
            << QStringLiteral("function handle() { return {}; }")
            << QStringLiteral("neither the request nor one with a method and a url");
        QTest::newRow("false") << QStringLiteral("function handle() { return false; }")
                               << QStringLiteral("return Paddock.deny");
        QTest::newRow("no handle")
            << QStringLiteral("var handle = 3;") << QStringLiteral("defines no function handle");
        QTest::newRow("line in the script")
            << QStringLiteral("function handle(r, s) {\n  return s.MISSING;\n}")
            << QStringLiteral("(t.js:2)");
    }

    void scriptMistakesFailClearly()
    {
        QFETCH(QString, source);
        QFETCH(QString, says);
        HandlerRunner runner(qEnvironmentVariable("PADDOCK_HANDLER_BIN"));
        std::optional<std::variant<HandlerReply, HandlerFailure>> outcome;
        runner.run(callOf(QStringLiteral("a"), source), [&](auto o) { outcome = std::move(o); });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
        QVERIFY(std::holds_alternative<HandlerFailure>(*outcome));
        QVERIFY2(std::get<HandlerFailure>(*outcome).error.contains(says),
            qPrintable(std::get<HandlerFailure>(*outcome).error));
    }

    // Two scopes never share a script's globals; one scope keeps them.
    void globalsStayInTheirScope()
    {
        HandlerRunner runner(qEnvironmentVariable("PADDOCK_HANDLER_BIN"));
        const QString count = QStringLiteral(
            "var n = 0; function handle() { n += 1; return Paddock.deny(String(n)); }");
        QStringList reasons;
        for (const char *scope : { "a", "a", "b" }) {
            std::optional<std::variant<HandlerReply, HandlerFailure>> outcome;
            HandlerCall call = callOf(QString::fromLatin1(scope), count);
            runner.run(call, [&](auto o) { outcome = std::move(o); });
            QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
            reasons.append(
                std::get<HandlerReply>(*outcome).result.value(QStringLiteral("reason")).toString());
        }
        // One helper serves calls one at a time; the second "a" may land on the
        // other helper (a fresh engine), but "b" is never the third call's count.
        QVERIFY2(reasons[0] == QStringLiteral("1") && reasons[2] == QStringLiteral("1"),
            qPrintable(reasons.join(u' ')));
    }

    void aMissingHelperFailsTheCallClearly()
    {
        HandlerRunner runner(QStringLiteral("/nonexistent/paddock-handler"));
        std::optional<std::variant<HandlerReply, HandlerFailure>> outcome;
        runner.run(callOf(QStringLiteral("a"), QStringLiteral("function handle(r) { return r; }")),
            [&](auto o) { outcome = std::move(o); });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 15000);
        QVERIFY(std::get<HandlerFailure>(*outcome).error.contains(QStringLiteral("cannot run")));
    }
};

QTEST_GUILESS_MAIN(TstEgressHandlerUnits)
#include "tst_egress_handler_units.moc"
