// HTTP/2 through inspect rules, end to end: clients in a sandbox that offer
// h2 reach an upstream that speaks it (tests/helpers/h2_echo_server.js, a
// node HTTPS server that reports what it receives) over HTTP/2 on both
// sides, every stream decided, injected and logged on its own; streams,
// trailers and flow control kept, so a gRPC-shaped call works.
#include "test_support.h"
#include "upstream_servers.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstEgressHttp2 : public QObject {
    Q_OBJECT

    SandboxFixture fx;
    std::unique_ptr<TestCa> ca;
    HttpsEchoUpstream echo;
    QByteArray token;

    ExecOutput run(const QString &script)
    {
        return execIn(*fx.engine, fx.sandbox.id,
            { QStringLiteral("sh"), QStringLiteral("-c"), script }, {},
            { QStringLiteral("HOME=/tmp") });
    }

    // A node http2 client script, run in the sandbox.
    ExecOutput node(const QString &script)
    {
        return run(
            QStringLiteral("node - <<'EOF'\nconst http2 = require('http2');\n%1\nEOF").arg(script));
    }

    int sessions() { return int(echo.reports().count("\nsession\n")); }

    std::optional<EgressLogEntry> logged(const QString &host, const QString &request)
    {
        auto log
            = fx.engine->egressLog(EgressLogQuery { fx.sandbox.id, std::nullopt, host, 0, 200 });
        if (!log) return std::nullopt;
        for (const EgressLogEntry &e : *log)
            if (e.request == request && !e.open) return e;
        return std::nullopt;
    }

    void addRule(const QString &pattern, EgressAction action, const QString &path = {})
    {
        EgressRule rule;
        rule.pattern = pattern;
        rule.action = action;
        rule.path = path;
        auto added = fx.engine->addEgressRule(fx.sandbox.id, rule);
        QVERIFY2(added, added ? "" : qPrintable(added.error().message));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QStringList hosts { QStringLiteral("h2.echo.test"), QStringLiteral("paths.echo.test"),
            QStringLiteral("signed.echo.test") };
        ca = makeTestCa(hosts);
        QVERIFY2(ca->error.isEmpty(), qPrintable(ca->error));
        const QString started = echo.startHttp2(ca->dir.path() + QStringLiteral("/leaf.pem"),
            ca->dir.path() + QStringLiteral("/leaf.key"));
        QVERIFY2(started.isEmpty(), qPrintable(started));
        const QString failed = fx.setUp(QStringLiteral("http2"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        QVERIFY(fx.engine->trustUpstreamCa(fileContents(ca->caFile)));
        for (const QString &host : hosts)
            QVERIFY(fx.engine->setHostOverride(
                HostOverride { host, QStringLiteral("127.0.0.1"), echo.port }));

        token = "h2tok_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36);
        QVERIFY(fx.engine->setSecret(QStringLiteral("H2_TOKEN"), token));
        EgressRule inject;
        inject.pattern = QStringLiteral("h2.echo.test");
        inject.action = EgressAction::Inspect;
        inject.inject = { { EgressInjection::Kind::Header, QStringLiteral("Authorization"),
            QStringLiteral("Bearer {{secret.H2_TOKEN}}") } };
        QVERIFY(fx.engine->addEgressRule(fx.sandbox.id, inject));
        // paths.echo.test: every request decided by its path.
        addRule(
            QStringLiteral("paths.echo.test"), EgressAction::Deny, QStringLiteral("/private/*"));
        addRule(QStringLiteral("paths.echo.test"), EgressAction::Inspect);

        EgressRule handled;
        handled.pattern = QStringLiteral("signed.echo.test");
        handled.action = EgressAction::Inspect;
        handled.handler = EgressHandler { QStringLiteral("pass.js"),
            QStringLiteral("function handle(request) { return request; }"), {} };
        auto rule = fx.engine->addEgressRule(fx.sandbox.id, handled);
        QVERIFY2(rule, rule ? "" : qPrintable(rule.error().message));
    }

    void cleanupTestCase() { fx.tearDown(); }

    // curl offers h2; the upstream speaks it; both sides talk HTTP/2, and
    // the header is injected into the stream (and masked where echoed).
    void curlSpeaksHttp2WithTheHeaderInjected()
    {
        // Rules name methods in upper case: "delete" is refused, not decided as something else.
        const ExecOutput lower = run(QStringLiteral(
            "curl -sS --http2 -X delete -w '\\n%{http_code}' https://h2.echo.test/echo/lower"));
        QVERIFY2(lower.out.endsWith("\n400") && lower.out.contains("upper case"),
            qPrintable(lower.summary()));
        const ExecOutput r = run(
            QStringLiteral("curl -sS --http2 -w '\\n%{http_version}' "
                           "-H 'Authorization: Bearer forged' https://h2.echo.test/echo/curl"));
        QVERIFY2(r.shellStatus() == 0 && r.out.endsWith("\n2"), qPrintable(r.summary()));
        const QJsonObject echoed
            = QJsonDocument::fromJson(r.out.left(r.out.lastIndexOf('\n'))).object();
        QCOMPARE(echoed[QStringLiteral("httpVersion")].toString(), QStringLiteral("2.0"));
        QCOMPARE(echoed[QStringLiteral("headers")][QStringLiteral("authorization")].toString(),
            QStringLiteral("Bearer ") + QString(token.size(), u'*'));
        QVERIFY(!r.out.contains(token));
        const QJsonObject upstream = echo.headersOf("request GET /echo/curl");
        QCOMPARE(upstream[QStringLiteral(":version")].toString(), QStringLiteral("2.0"));
        QCOMPARE(upstream[QStringLiteral("authorization")].toString(),
            QStringLiteral("Bearer ") + QString::fromLatin1(token));
        QCOMPARE(upstream[QStringLiteral(":authority")].toString(), QStringLiteral("h2.echo.test"));

        std::optional<EgressLogEntry> entry;
        QTRY_VERIFY_WITH_TIMEOUT(
            (entry = logged(QStringLiteral("h2.echo.test"), QStringLiteral("GET /echo/curl"))),
            kWaitMs);
        QCOMPARE(entry->httpVersion, QStringLiteral("HTTP/2"));
        QCOMPARE(entry->status, 200);
        QCOMPARE(entry->secrets, QStringList { QStringLiteral("H2_TOKEN") });
        QVERIFY(entry->upstream.contains(QStringLiteral("TLS verified")));
        QVERIFY(entry->bytesIn > 0);
        // The request detail pane's fields: as sent, the value masked.
        QVERIFY2(entry->requestHeaders.contains(
                     QStringLiteral("authorization: Bearer ") + QString(token.size(), u'*')),
            qPrintable(entry->requestHeaders));
        QVERIFY(entry->requestHeaders.contains(QStringLiteral(":authority: h2.echo.test")));
        QVERIFY(!entry->requestHeaders.contains(QString::fromLatin1(token)));
        QVERIFY2(entry->responseHeaders.contains(QStringLiteral("content-type: application/json")),
            qPrintable(entry->responseHeaders));
    }

    void nodesHttp2ClientReachesTheUpstream()
    {
        const ExecOutput r = node(
            QStringLiteral("const c = http2.connect('https://h2.echo.test');\n"
                           "const req = c.request({ ':path': '/echo/node' });\n"
                           "let body = '';\n"
                           "req.on('response', (h) => console.log('status', h[':status']));\n"
                           "req.on('data', (d) => body += d);\n"
                           "req.on('end', () => { console.log(body); c.close(); });\n"
                           "req.end();"));
        QVERIFY2(r.shellStatus() == 0 && r.out.startsWith("status 200\n"), qPrintable(r.summary()));
        const QJsonObject upstream = echo.headersOf("request GET /echo/node");
        QCOMPARE(upstream[QStringLiteral(":version")].toString(), QStringLiteral("2.0"));
        QCOMPARE(upstream[QStringLiteral("authorization")].toString(),
            QStringLiteral("Bearer ") + QString::fromLatin1(token));
    }

    // The shape of a bidirectional gRPC call: each message answered while
    // the request is still open, then trailers carry the status.
    void aStreamingCallKeepsItsMessagesAndTrailers()
    {
        const ExecOutput r
            = node(QStringLiteral("const c = http2.connect('https://h2.echo.test');\n"
                                  "const req = c.request({ ':method': 'POST', ':path': '/stream', "
                                  "'content-type': 'application/grpc' });\n"
                                  "let got = '', n = 0;\n"
                                  "req.on('data', (d) => { got += d; if (++n < 3) req.write('msg' "
                                  "+ n + ';'); else req.end(); });\n"
                                  "req.on('trailers', (t) => console.log('trailers', "
                                  "t['grpc-status'], t['grpc-message']));\n"
                                  "req.on('end', () => { console.log('got', got); c.close(); });\n"
                                  "req.write('msg0;');"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        QCOMPARE(r.out, QByteArray("trailers 0 done\ngot MSG0;MSG1;MSG2;\n"));
    }

    // Ten streams on one connection: each decided by its own path, the
    // refused ones answered on their stream while the others complete.
    void streamsOnOneConnectionAreDecidedEachOnTheirOwn()
    {
        const int before = sessions();
        const ExecOutput r = node(QStringLiteral(
            "const c = http2.connect('https://paths.echo.test');\n"
            "const done = [];\n"
            "for (let i = 0; i < 10; ++i) {\n"
            "  const path = (i % 2 ? '/private/' : '/echo/') + i;\n"
            "  const req = c.request({ ':path': path });\n"
            "  let status = 0, body = '';\n"
            "  req.on('response', (h) => status = h[':status']);\n"
            "  req.on('data', (d) => body += d);\n"
            "  done.push(new Promise((ok) => req.on('end', () => ok(path + ' ' + status + ' ' + "
            "(body.startsWith('Paddock egress') ? 'refused' : 'served')))));\n"
            "  req.end();\n"
            "}\n"
            "Promise.all(done).then((lines) => { console.log(lines.join('\\n')); c.close(); });"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        for (int i = 0; i < 10; ++i) {
            const QByteArray line = i % 2 ? "/private/" + QByteArray::number(i) + " 403 refused"
                                          : "/echo/" + QByteArray::number(i) + " 200 served";
            QVERIFY2(r.out.contains(line + '\n'), qPrintable(r.summary()));
        }
        QCOMPARE(sessions() - before, 1);
        QVERIFY(!echo.reports().contains("/private/"));
        std::optional<EgressLogEntry> refused;
        QTRY_VERIFY_WITH_TIMEOUT(
            (refused = logged(QStringLiteral("paths.echo.test"), QStringLiteral("GET /private/3"))),
            kWaitMs);
        QCOMPARE(refused->verdict, EgressVerdict::Denied);
        QCOMPARE(refused->status, 403);
    }

    // Far more than the windows hold: it arrives whole, so windows reopen
    // as the client reads, and nothing stalls.
    void aLargeDownloadFlowsUnderFlowControl()
    {
        const ExecOutput r = run(QStringLiteral("curl -sS --http2 -o /tmp/big -w '%{http_version}' "
                                                "https://h2.echo.test/big?bytes=30000000 && "
                                                "stat -c ' %s' /tmp/big"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        QCOMPARE(r.out, QByteArray("2 30000000\n"));
    }

    // A stream the client cancels is reset upstream too; the connection
    // and its other streams go on.
    void aCancelledStreamIsResetUpstreamAndTheConnectionLives()
    {
        const ExecOutput r = node(
            QStringLiteral("const c = http2.connect('https://h2.echo.test');\n"
                           "const slow = c.request({ ':path': '/slow' });\n"
                           "slow.on('data', () => {\n"
                           "  slow.close(http2.constants.NGHTTP2_CANCEL);\n"
                           "  const after = c.request({ ':path': '/echo/after' });\n"
                           "  after.on('response', (h) => console.log('after', h[':status']));\n"
                           "  after.on('data', () => {});\n"
                           "  after.on('end', () => c.close());\n"
                           "  after.end();\n"
                           "});\n"
                           "slow.end();"));
        QVERIFY2(r.shellStatus() == 0 && r.out == "after 200\n", qPrintable(r.summary()));
        QTRY_VERIFY_WITH_TIMEOUT(echo.reports().contains("closed /slow"), kWaitMs);
    }

    // Downloads cancelled before they are read leave nothing held: the
    // windows they filled open again, and the connection still carries
    // a whole body after more than its window's worth was abandoned.
    void cancelledDownloadsGiveTheirWindowBack()
    {
        const ExecOutput r = node(
            QStringLiteral("const c = http2.connect('https://h2.echo.test');\n"
                           "const cancel = (n) => new Promise((ok) => {\n"
                           "  const req = c.request({ ':path': '/big?bytes=3000000' });\n"
                           "  req.pause();\n"
                           "  req.on('response', () => setTimeout(() => { "
                           "req.close(http2.constants.NGHTTP2_CANCEL); ok(); }, 100));\n"
                           "  req.end();\n"
                           "});\n"
                           "(async () => {\n"
                           "  for (let i = 0; i < 8; ++i) await cancel(i);\n"
                           "  const req = c.request({ ':path': '/big?bytes=2000000' });\n"
                           "  let bytes = 0;\n"
                           "  req.on('data', (d) => bytes += d.length);\n"
                           "  req.on('end', () => { console.log('after', bytes); c.close(); });\n"
                           "  req.end();\n"
                           "})();"));
        QVERIFY2(r.shellStatus() == 0 && r.out == "after 2000000\n", qPrintable(r.summary()));
    }

    // An upstream that resets a stream before answering: the sandbox gets a
    // 502 that says so, and the log the failure.
    void anUpstreamResetIsAnswered502()
    {
        const ExecOutput r = run(
            QStringLiteral("curl -sS --http2 -w '\\n%{http_code}' https://h2.echo.test/reset"));
        QVERIFY2(
            r.out.endsWith("\n502") && r.out.contains("reset the stream"), qPrintable(r.summary()));
        std::optional<EgressLogEntry> entry;
        QTRY_VERIFY_WITH_TIMEOUT(
            (entry = logged(QStringLiteral("h2.echo.test"), QStringLiteral("GET /reset"))),
            kWaitMs);
        QVERIFY2(entry->failure.contains(QStringLiteral("reset the stream")),
            qPrintable(entry->failure));
    }

    // A handler reads requests one at a time: where one may decide, the
    // sandbox is answered HTTP/1.1 even though both sides speak h2.
    void aHandlerRuleKeepsTheConnectionOnHttp11()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS --http2 -o /dev/null -w '%{http_version}' "
                                 "https://signed.echo.test/echo/signed"));
        QVERIFY2(r.shellStatus() == 0 && r.out == "1.1", qPrintable(r.summary()));
        QCOMPARE(echo.headersOf("request GET /echo/signed")[QStringLiteral(":version")].toString(),
            QStringLiteral("1.1"));
    }
};

QTEST_GUILESS_MAIN(TstEgressHttp2)
#include "tst_egress_http2.moc"
