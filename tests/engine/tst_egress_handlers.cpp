// Inspect rules with JavaScript handlers, end to end: a sandbox's requests
// to a local HTTPS upstream (tests/helpers/https_echo_server.py) are
// signed, denied, answered or passed by handler scripts run in
// paddock-handler, and a handler that throws, loops or eats memory denies
// its request without taking the engine (or the next request) with it.
#include "test_support.h"
#include "upstream_servers.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace paddock;
using namespace paddock::test;

namespace {

const char *const kHosts[] = { "sign.echo.test", "guard.echo.test", "throws.echo.test",
    "loops.echo.test", "hungry.echo.test", "answers.echo.test", "versions.echo.test",
    "paths.echo.test", "memo.echo.test", "basic.echo.test" };

} // namespace

class TstEgressHandlers : public QObject {
    Q_OBJECT

    SandboxFixture fx;
    std::unique_ptr<TestCa> ca;
    QTemporaryDir gitRoot;
    HttpsEchoUpstream echo;
    QByteArray key; // the signing secret's value

    ExecOutput run(const QString &script)
    {
        return execIn(*fx.engine, fx.sandbox.id,
            { QStringLiteral("sh"), QStringLiteral("-c"), script }, {},
            { QStringLiteral("HOME=/tmp") });
    }

    // Named after the host's first label ("sign.js"); for `path` only, when given.
    Result<EgressRule> addHandler(const QString &host, const QString &source,
        const QStringList &secrets = {}, const QString &path = {})
    {
        EgressRule rule;
        rule.pattern = host;
        rule.path = path;
        rule.action = EgressAction::Allow; // promoted: it has a handler
        rule.handler
            = EgressHandler { host.section(u'.', 0, 0) + QStringLiteral(".js"), source, secrets };
        return fx.engine->addEgressRule(fx.sandbox.id, rule);
    }

    std::optional<EgressLogEntry> lastEntry(const QString &host)
    {
        auto log
            = fx.engine->egressLog(EgressLogQuery { fx.sandbox.id, std::nullopt, host, 0, 20 });
        if (!log || log->isEmpty()) return std::nullopt;
        return log->first();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStringList hosts;
        for (const char *h : kHosts)
            hosts.append(QString::fromLatin1(h));
        ca = makeTestCa(hosts);
        QVERIFY2(ca->error.isEmpty(), qPrintable(ca->error));
        const QString started = echo.start(ca->dir.path() + QStringLiteral("/leaf.pem"),
            ca->dir.path() + QStringLiteral("/leaf.key"), gitRoot.path());
        QVERIFY2(started.isEmpty(), qPrintable(started));
        const QString failed = fx.setUp(QStringLiteral("handlers"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY(fx.engine->trustUpstreamCa(fileContents(ca->caFile)));
        for (const QString &host : hosts)
            QVERIFY(fx.engine->setHostOverride(
                HostOverride { host, QStringLiteral("127.0.0.1"), echo.port }));
        key = "sk_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);
        QVERIFY(fx.engine->setSecret(QStringLiteral("SIGNING_KEY"), key));

        QVERIFY(addHandler(QStringLiteral("sign.echo.test"),
            QStringLiteral("function handle(request, secrets) {\n"
                           "  request.headers['x-signature'] = "
                           "Paddock.hmacSha256(secrets.SIGNING_KEY, request.body);\n"
                           "  return request;\n"
                           "}\n"),
            { QStringLiteral("SIGNING_KEY") }));
        QVERIFY(addHandler(QStringLiteral("guard.echo.test"),
            QStringLiteral("function handle(request) {\n"
                           "  if (request.method === 'DELETE') return Paddock.deny('deletes are "
                           "not allowed here');\n"
                           "  return request;\n"
                           "}\n")));
        QVERIFY(addHandler(QStringLiteral("throws.echo.test"),
            QStringLiteral("function handle(request, secrets) { throw new Error('broken with ' + "
                           "secrets.SIGNING_KEY); }"),
            { QStringLiteral("SIGNING_KEY") }));
        QVERIFY(addHandler(QStringLiteral("loops.echo.test"),
            QStringLiteral("function handle() { for (;;) {} }")));
        QVERIFY(addHandler(QStringLiteral("hungry.echo.test"),
            QStringLiteral("function handle() { var a = []; for (;;) a.push('x'.repeat(1000000) + "
                           "a.length); }")));
        QVERIFY(addHandler(QStringLiteral("answers.echo.test"),
            QStringLiteral("function handle(request) { return Paddock.respond(200, { answeredFor: "
                           "request.url }); }")));
    }

    void cleanupTestCase() { fx.tearDown(); }

    // The handler signs the body with a secret the sandbox never holds.
    void aHandlerSignsTheBodyIntoAHeader()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS -X POST -H 'Content-Type: application/json' -d "
                                 "'{\"amount\":42}' https://sign.echo.test/echo/pay"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        const QJsonObject echoed = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(echoed[QStringLiteral("body")].toString(), QStringLiteral("{\"amount\":42}"));
        const QByteArray expected
            = QMessageAuthenticationCode::hash("{\"amount\":42}", key, QCryptographicHash::Sha256)
                  .toHex();
        QCOMPARE(echo.headersOf("request POST /echo/pay")[QStringLiteral("x-signature")]
                     .toString()
                     .toLatin1(),
            expected);
        QVERIFY(!r.out.contains(key) && !r.err.contains(key));
        const auto entry = lastEntry(QStringLiteral("sign.echo.test"));
        QVERIFY(entry);
        QCOMPARE(entry->status, 200);
        QCOMPARE(entry->secrets, QStringList { QStringLiteral("SIGNING_KEY") });
        QVERIFY2(entry->reason.contains(QStringLiteral("handler sign.js: headers changed")),
            qPrintable(entry->reason));
    }

    void aHandlerDeniesDelete()
    {
        const ExecOutput r = run(QStringLiteral(
            "curl -sS -w '\\n%{http_code}' -X DELETE https://guard.echo.test/echo/item; "
            "curl -sS -o /dev/null -w '%{http_code}' https://guard.echo.test/echo/item"));
        QVERIFY2(r.out.contains("deletes are not allowed here") && r.out.contains("\n403"),
            qPrintable(r.summary()));
        QVERIFY2(r.out.endsWith("200"), qPrintable(r.summary()));
        QVERIFY(!echo.reports().contains("request DELETE /echo/item"));
        QVERIFY(echo.reports().contains("request GET /echo/item"));
        auto log = fx.engine->egressLog(EgressLogQuery {
            fx.sandbox.id, EgressVerdict::Denied, QStringLiteral("guard.echo.test"), 0, 20 });
        QVERIFY(log && !log->isEmpty());
        QCOMPARE(log->first().request, QStringLiteral("DELETE /echo/item"));
        QCOMPARE(log->first().status, 403);
        // The GET it returned as it came (names in lower case, in its own order) is logged as such.
        const auto passed = lastEntry(QStringLiteral("guard.echo.test"));
        QVERIFY(passed);
        QVERIFY2(passed->reason.contains(QStringLiteral("passed unchanged")), qPrintable(passed->reason));
    }

    // The sandbox learns only that it was denied; the log has the error,
    // with the secret the message quoted masked.
    void aThrowingHandlerDeniesWithTheErrorInTheLog()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS -w '\\n%{http_code}' https://throws.echo.test/echo/x"));
        QVERIFY2(r.out.endsWith("\n403"), qPrintable(r.summary()));
        QVERIFY(!r.out.contains("broken") && !r.out.contains(key));
        const auto entry = lastEntry(QStringLiteral("throws.echo.test"));
        QVERIFY(entry);
        QCOMPARE(entry->verdict, EgressVerdict::Denied);
        QVERIFY2(
            entry->reason.contains(QStringLiteral("Error: broken with {{secret.SIGNING_KEY}}")),
            qPrintable(entry->reason));
        QVERIFY2(entry->reason.contains(QStringLiteral("throws.js:1")), qPrintable(entry->reason));
        QVERIFY(!entry->reason.contains(QString::fromLatin1(key)));
        QVERIFY(!echo.reports().contains("request GET /echo/x"));
    }

    // A looping handler is stopped at its bound; meanwhile the engine and
    // other handlers go on (the other request is logged first).
    void aLoopingHandlerIsStoppedAndTheEngineAnswers()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS -o /tmp/loop.out -w '%{http_code}' "
                                 "https://loops.echo.test/echo/forever > /tmp/loop.code & "
                                 "sleep 0.3; curl -sS -o /dev/null -w '%{http_code}\\n' "
                                 "https://guard.echo.test/echo/meanwhile; "
                                 "wait; cat /tmp/loop.code"));
        QVERIFY2(r.out == "200\n403", qPrintable(r.summary()));
        const auto loop = lastEntry(QStringLiteral("loops.echo.test"));
        QVERIFY(loop);
        QVERIFY2(loop->reason.contains(QStringLiteral("time bound")), qPrintable(loop->reason));
        const auto meanwhile = lastEntry(QStringLiteral("guard.echo.test"));
        QVERIFY(meanwhile && meanwhile->request == QStringLiteral("GET /echo/meanwhile"));
        QVERIFY2(meanwhile->id < loop->id, "the other request waited for the looping handler");
        QVERIFY(!echo.reports().contains("/echo/forever"));
    }

    // A client that gives up while its handler runs has its request withdrawn.
    void aClientThatLeavesWhileItsHandlerRunsIsWithdrawn()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS -m 0.5 https://loops.echo.test/echo/gone"));
        QVERIFY2(r.shellStatus() != 0, qPrintable(r.summary()));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            const auto entry = lastEntry(QStringLiteral("loops.echo.test"));
            return entry && entry->request == QStringLiteral("GET /echo/gone")
                && entry->reason.contains(QStringLiteral("withdrawn"));
        }()),
            kWaitMs);
    }

    // Its helper goes over the memory bound and is replaced for the next call.
    void aHandlerThatEatsMemoryIsStopped()
    {
        const ExecOutput r = run(QStringLiteral(
            "curl -sS -o /dev/null -w '%{http_code}\\n' https://hungry.echo.test/echo/m; "
            "curl -sS -o /dev/null -w '%{http_code}' https://guard.echo.test/echo/after"));
        QVERIFY2(r.out == "403\n200", qPrintable(r.summary()));
        const auto entry = lastEntry(QStringLiteral("hungry.echo.test"));
        QVERIFY(entry);
        QVERIFY2(entry->reason.contains(QStringLiteral("memory")), qPrintable(entry->reason));
    }

    void aHandlerAnswersWithoutTheUpstream()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS -i https://answers.echo.test/echo/direct?q=1"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        QVERIFY2(r.out.startsWith("HTTP/1.1 200"), qPrintable(r.summary()));
        QVERIFY2(r.out.contains("{\"answeredFor\":\"https://answers.echo.test/echo/direct?q=1\"}"),
            qPrintable(r.summary()));
        QVERIFY(r.out.contains("content-type: application/json"));
        QVERIFY(!echo.reports().contains("/echo/direct"));
        const auto entry = lastEntry(QStringLiteral("answers.echo.test"));
        QVERIFY(entry && entry->status == 200 && entry->verdict == EgressVerdict::Allowed);
        QVERIFY2(entry->upstream.contains(QStringLiteral("answered by handler answers.js")),
            qPrintable(entry->upstream));
    }

    // New requests get the new script; the connection the sandbox holds stays up.
    void replacingAHandlerKeepsOpenConnections()
    {
        const QString version
            = QStringLiteral("function handle(request) { request.headers['x-handler-version'] = "
                             "'%1'; return request; }");
        auto rule = addHandler(QStringLiteral("versions.echo.test"), version.arg(1));
        QVERIFY(rule);
        QTimer::singleShot(2000, this, [&] {
            EgressRule updated = *rule;
            updated.handler.source = version.arg(2);
            QVERIFY(fx.engine->updateEgressRule(fx.sandbox.id, updated));
        });
        const ExecOutput r = run(QStringLiteral(
            "python3 - <<'EOF'\n"
            "import http.client, json, time\n"
            "c = http.client.HTTPSConnection('versions.echo.test')\n"
            "def get(path):\n"
            "    c.request('GET', path)\n"
            "    return json.loads(c.getresponse().read())['headers'].get('x-handler-version')\n"
            "first = get('/echo/v')\n"
            "port = c.sock.getsockname()[1]\n"
            "time.sleep(4)\n"
            "second = get('/echo/v')\n"
            "print(first, second, c.sock.getsockname()[1] == port)\n"
            "EOF"));
        QVERIFY2(r.out == "1 2 True\n", qPrintable(r.summary()));
    }

    // A handler for some paths only: the host's TLS is terminated for it,
    // and the host's other requests follow the rules after it.
    void aHandlerForOnePathTerminatesItsHostsTls()
    {
        QVERIFY(addHandler(QStringLiteral("paths.echo.test"),
            QStringLiteral("function handle(r) { return Paddock.deny('guarded ' + r.path); }"), {},
            QStringLiteral("/guarded/*")));
        EgressRule rest;
        rest.pattern = QStringLiteral("paths.echo.test");
        rest.action = EgressAction::Allow;
        QVERIFY(fx.engine->addEgressRule(fx.sandbox.id, rest));
        const ExecOutput r = run(QStringLiteral(
            "curl -sS -w ' %{http_code}\n' https://paths.echo.test/guarded/x?q=1; "
            "curl -sS -o /dev/null -w '%{http_code}' https://paths.echo.test/echo/free"));
        QVERIFY2(
            r.out == "Paddock egress: denied by handler paths.js: guarded /guarded/x\n 403\n200",
            qPrintable(r.summary()));
        QVERIFY(!echo.reports().contains("/guarded/x"));
        QVERIFY(echo.reports().contains("request GET /echo/free"));
    }

    // A handler's globals live per sandbox and rule: another rule running
    // the same script never sees them.
    void handlerGlobalsStayWithTheirRule()
    {
        const QString memo
            = QStringLiteral("var seen = []; function handle(r) { seen.push(r.headers['x-who']); "
                             "return Paddock.respond(200, seen.join(',')); }");
        QVERIFY(addHandler(QStringLiteral("memo.echo.test"), memo, {}, QStringLiteral("/one")));
        QVERIFY(addHandler(QStringLiteral("memo.echo.test"), memo, {}, QStringLiteral("/two")));
        const ExecOutput r
            = run(QStringLiteral("curl -sS -H 'X-Who: a' https://memo.echo.test/one; echo; "
                                 "curl -sS -H 'X-Who: b' https://memo.echo.test/two"));
        QVERIFY2(r.out == "a\nb", qPrintable(r.summary()));
    }

    // A 204 with a body cannot be written: the request is denied, the engine stays.
    void anAnswerHttpCannotCarryIsDenied()
    {
        QVERIFY(addHandler(QStringLiteral("memo.echo.test"),
            QStringLiteral("function handle() { return Paddock.respond(204, 'body'); }"), {},
            QStringLiteral("/nocontent")));
        const ExecOutput r = run(QStringLiteral(
            "curl -sS -o /dev/null -w '%{http_code}' https://memo.echo.test/nocontent"));
        QCOMPARE(r.out, QByteArray("403"));
        const auto entry = lastEntry(QStringLiteral("memo.echo.test"));
        QVERIFY(entry && entry->reason.contains(QStringLiteral("a 204 response has no body")));
    }

    // What a handler makes of a secret for a credential field is masked in
    // the answer, and the answer is asked for whole and uncompressed: an
    // echo compressed or cut to a range would carry it past the masking.
    void derivedCredentialsComeBackMasked()
    {
        QVERIFY(addHandler(QStringLiteral("basic.echo.test"),
            QStringLiteral("function handle(r, s) { r.headers.authorization = 'Basic ' + "
                           "Paddock.base64Encode('bot:' + s.SIGNING_KEY); return r; }"),
            { QStringLiteral("SIGNING_KEY") }));
        const ExecOutput r
            = run(QStringLiteral("curl -sS -H 'Accept-Encoding: gzip' -H 'Range: bytes=0-300' -H "
                                 "'If-Range: x' -H 'Sec-WebSocket-Extensions: permessage-deflate' "
                                 "https://basic.echo.test/echo/b"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        const QByteArray basic = "Basic " + QByteArray("bot:" + key).toBase64();
        QVERIFY2(!r.out.contains(basic) && r.out.contains("\"authorization\": \"*****"),
            qPrintable(r.summary()));
        const QJsonObject upstream = echo.headersOf("request GET /echo/b");
        QCOMPARE(upstream[QStringLiteral("authorization")].toString().toLatin1(), basic);
        QCOMPARE(
            upstream[QStringLiteral("Accept-Encoding")].toString(), QStringLiteral("identity"));
        QVERIFY(!upstream.contains(QStringLiteral("range"))
            && !upstream.contains(QStringLiteral("if-range")));
        QVERIFY(!upstream.contains(QStringLiteral("accept-encoding")));
        QVERIFY(!upstream.contains(QStringLiteral("sec-websocket-extensions"))
            && !upstream.contains(QStringLiteral("Sec-WebSocket-Extensions")));
    }

    // A handler decides by the method it sees: a field that makes servers
    // act on another is refused.
    void aMethodOverrideIsRefusedOnHandlerRules()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS -w ' %{http_code}' -X POST -H 'X-HTTP-Method-Override: "
                                 "DELETE' https://guard.echo.test/echo/o"));
        QVERIFY2(r.out.endsWith(" 400") && r.out.contains("X-HTTP-Method-Override"),
            qPrintable(r.summary()));
        QVERIFY(!echo.reports().contains("/echo/o"));
    }

    // Nothing the sandbox can read holds the secret: not its environment, files or any answer.
    void theSecretIsNowhereInTheSandbox()
    {
        const ExecOutput r = run(QStringLiteral("cat /proc/*/environ 2>/dev/null; grep -rl '%1' "
                                                "/tmp /etc /home /root /var 2>/dev/null | head -3")
                                     .arg(QString::fromLatin1(key)));
        QVERIFY2(!r.out.contains(key), qPrintable(r.summary()));
    }
};

QTEST_GUILESS_MAIN(TstEgressHandlers)
#include "tst_egress_handlers.moc"
