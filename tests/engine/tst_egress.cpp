// Zero-trust egress against a real sandbox and local upstream servers named
// through host overrides: what rules allow works from curl, python and a
// raw socket that ignores proxy variables; what they do not is refused at
// once, with the reason in the log; a person can answer questions.
#include "test_support.h"
#include "upstream_servers.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

class TstEgress : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    EchoServer m_echo;
    HttpServer m_web;
    std::unique_ptr<TestCa> m_ca;
    std::unique_ptr<HttpsServer> m_secure;

    ExecOutput sh(const QString &script, const QStringList &env = {})
    {
        return execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("sh"), QStringLiteral("-c"), script }, {}, env);
    }
    EgressRule rule(const QString &pattern, EgressAction action, quint16 port = 0, const QString &reason = {})
    {
        EgressRule r;
        r.pattern = pattern;
        r.action = action;
        r.port = port;
        r.reason = reason;
        return r;
    }
    std::optional<EgressLogEntry> logEntry(const QString &host, const std::function<bool(const EgressLogEntry &)> &pred)
    {
        return waitForEgressLog(*m_fx.engine, m_fx.sandbox.id, pred, host);
    }
    void overrideHost(const QString &name, quint16 port)
    {
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { name, QStringLiteral("127.0.0.1"), port }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("egress"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_ca = makeTestCa({ QStringLiteral("secure.test") });
        QVERIFY2(m_ca->error.isEmpty(), qPrintable(m_ca->error));
        m_secure = std::make_unique<HttpsServer>(*m_ca);
        QVERIFY(m_echo.isListening() && m_web.isListening() && m_secure->isListening());
        overrideHost(QStringLiteral("echo.test"), m_echo.serverPort());
        overrideHost(QStringLiteral("web.test"), m_web.serverPort());
        overrideHost(QStringLiteral("secure.test"), m_secure->serverPort());
        overrideHost(QStringLiteral("blocked.test"), m_web.serverPort());
        for (const char *host : { "echo.test", "web.test", "secure.test" })
            QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QString::fromLatin1(host), EgressAction::Allow)));
        QFile ca(m_ca->caFile);
        QVERIFY(ca.open(QIODevice::ReadOnly));
        const QByteArray pem = ca.readAll();
        QVERIFY(await<void>([&](Callback<void> done) { m_fx.engine->writeFile(m_fx.sandbox.id, QStringLiteral("/tmp/ca.pem"), pem, 0644, done); }));
    }
    void cleanupTestCase() { m_fx.tearDown(); }

    // A test that stops half-way must not leave a question open, or the
    // sandbox asking about everything, for the next.
    void cleanup()
    {
        for (const EgressQuestion &q : m_fx.engine->egressQuestions())
            (void)m_fx.engine->answerEgressQuestion(q.id, EgressAnswer::DenyOnce);
        (void)m_fx.engine->setEgressSettings(m_fx.sandbox.id, EgressSettings { false });
    }

    void namesResolveToFakeAddresses()
    {
        ExecOutput r = sh(QStringLiteral("getent hosts web.test echo.test web.test | awk '{print $1}'"));
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].startsWith("198.18.") || lines[0].startsWith("198.19."), r.out.constData());
        QCOMPARE(lines[0], lines[2]); // one address per name
        QVERIFY(lines[0] != lines[1]);
    }

    void allowedNameWorksFromCurl()
    {
        ExecOutput r = sh(QStringLiteral("curl -sS -m 10 http://web.test/from-curl"));
        QCOMPARE(r.out, QByteArray("http GET /from-curl\n"));
        auto e = logEntry(QStringLiteral("web.test"), [](const EgressLogEntry &e) { return !e.open && e.bytesIn > 0; });
        QVERIFY(e);
        QCOMPARE(e->verdict, EgressVerdict::Allowed);
        QCOMPARE(e->rule, QStringLiteral("allow web.test"));
        QCOMPARE(e->upstream, QStringLiteral("127.0.0.1:%1").arg(m_web.serverPort()));
        QVERIFY(e->bytesOut > 0);
    }

    void allowedNameWorksFromPython()
    {
        ExecOutput r = execIn(*m_fx.engine, m_fx.sandbox.id,
                              { QStringLiteral("python3"), QStringLiteral("-c"),
                                QStringLiteral("import urllib.request; print(urllib.request.urlopen('http://web.test/py', timeout=10).read().decode(), end='')") });
        QCOMPARE(r.out, QByteArray("http GET /py\n"));
    }

    // Proxy variables point nowhere useful: programs that ignore them are
    // intercepted all the same.
    void rawSocketsIgnoringProxyVariablesAreIntercepted()
    {
        const QStringList bogusProxy { QStringLiteral("HTTP_PROXY=http://192.0.2.1:9"), QStringLiteral("HTTPS_PROXY=http://192.0.2.1:9"),
                                       QStringLiteral("ALL_PROXY=http://192.0.2.1:9") };
        ExecOutput nc = sh(QStringLiteral("printf 'ping\\n' | nc -w 5 echo.test 7"), bogusProxy);
        QVERIFY2(nc.out == "ping\n", nc.err.constData());
        ExecOutput py = execIn(*m_fx.engine, m_fx.sandbox.id,
                               { QStringLiteral("python3"), QStringLiteral("-c"),
                                 QStringLiteral("import socket\ns = socket.create_connection(('echo.test', 5432), timeout=5)\n"
                                                "s.sendall(b'raw')\nprint(s.recv(10).decode())") },
                               {}, bogusProxy);
        QCOMPARE(py.out, QByteArray("raw\n"));
    }

    // Plain bytes pass on any port but those where TLS is usual (443, 8443…),
    // which take nothing but a TLS ClientHello (tst_hostile_tls_peek).
    void anyTcpPortWorks()
    {
        ExecOutput r = sh(QStringLiteral("for p in 1 22 444 8080 65535; do echo $p | nc -w 5 echo.test $p; done"));
        QCOMPARE(r.out, QByteArray("1\n22\n444\n8080\n65535\n"));
    }

    // Every connection inside runs over loopback: a paced congestion control
    // (the host's may be BBR) would halve what the relay can move.
    void sandboxTcpIsUnpaced()
    {
        ExecOutput r = sh(QStringLiteral("cat /proc/sys/net/ipv4/tcp_congestion_control"));
        QVERIFY2(r.out == "cubic\n" || r.out == "reno\n", r.out.constData());
    }

    void httpsWithTheNameItWasOpenedFor()
    {
        ExecOutput r = sh(QStringLiteral("curl -sS -m 10 --cacert /tmp/ca.pem https://secure.test/tls"));
        QVERIFY2(r.out == "https GET /tls\n", r.err.constData());
        auto e = logEntry(QStringLiteral("secure.test"), [](const EgressLogEntry &e) { return !e.open; });
        QVERIFY(e);
        QCOMPARE(e->protocol, QStringLiteral("tls"));
        QCOMPARE(e->verdict, EgressVerdict::Allowed);
    }

    void deniedNameFailsFastWithReason()
    {
        const int before = m_web.connections;
        QElapsedTimer t;
        t.start();
        ExecOutput r = sh(QStringLiteral("curl -sS -m 10 http://blocked.test/secret"));
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
        QVERIFY2(r.out.contains("no rule allows blocked.test:80"), r.out.constData());
        ExecOutput raw = execIn(*m_fx.engine, m_fx.sandbox.id,
                                { QStringLiteral("python3"), QStringLiteral("-c"),
                                  QStringLiteral("import socket\ntry:\n    s = socket.create_connection(('blocked.test', 7), timeout=5)\n"
                                                 "    print(s.recv(10))\nexcept OSError as e:\n    print(type(e).__name__)") });
        QCOMPARE(raw.out.trimmed(), QByteArray("ConnectionResetError"));
        QCOMPARE(m_web.connections, before); // nothing reached the upstream
        auto e = logEntry(QStringLiteral("blocked.test"), [](const EgressLogEntry &e) { return e.port == 80; });
        QVERIFY(e);
        QCOMPARE(e->verdict, EgressVerdict::Denied);
        QVERIFY(e->reason.contains(QStringLiteral("no rule allows")));
        QVERIFY2(e->process.startsWith(QStringLiteral("curl (pid ")), qPrintable(e->process));
    }

    void denyRuleGivesItsReason()
    {
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("*.bad.test"), EgressAction::Deny, 0,
                                                                 QStringLiteral("bad hosts are off limits"))));
        overrideHost(QStringLiteral("api.bad.test"), m_web.serverPort());
        ExecOutput r = sh(QStringLiteral("curl -sS -m 10 http://api.bad.test/"));
        QVERIFY2(r.out.contains("bad hosts are off limits"), r.out.constData());
    }

    void rulesChangeOnARunningSandbox()
    {
        auto deny = m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("web.test"), EgressAction::Deny), 0);
        QVERIFY(deny);
        QVERIFY(sh(QStringLiteral("curl -sS -m 10 http://web.test/")).out.contains("denied by rule 'deny web.test'"));
        QVERIFY(m_fx.engine->moveEgressRule(m_fx.sandbox.id, deny->id, -1)); // last: the allow rule wins again
        QCOMPARE(sh(QStringLiteral("curl -sS -m 10 http://web.test/again")).out, QByteArray("http GET /again\n"));
        QVERIFY(m_fx.engine->removeEgressRule(m_fx.sandbox.id, deny->id));
    }

    void globalDefaultsApplyAfterTheSandboxsRules()
    {
        overrideHost(QStringLiteral("shared.test"), m_web.serverPort());
        QVERIFY(sh(QStringLiteral("curl -sS -m 10 http://shared.test/")).out.contains("no rule allows"));
        auto global = m_fx.engine->addEgressRule(QString(), rule(QStringLiteral("shared.test"), EgressAction::Allow));
        QVERIFY(global);
        QCOMPARE(sh(QStringLiteral("curl -sS -m 10 http://shared.test/g")).out, QByteArray("http GET /g\n"));
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("shared.test"), EgressAction::Deny)));
        QVERIFY(sh(QStringLiteral("curl -sS -m 10 http://shared.test/")).out.contains("denied by rule"));
    }

    // Plain HTTP decided request by request, on one keep-alive connection too.
    void methodAndPathRulesDecideEachRequest()
    {
        overrideHost(QStringLiteral("docs.test"), m_web.serverPort());
        EgressRule docs = rule(QStringLiteral("docs.test"), EgressAction::Allow);
        docs.method = QStringLiteral("GET");
        docs.path = QStringLiteral("/docs/*");
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, docs, 0));
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("docs.test"), EgressAction::Deny, 0,
                                                                 QStringLiteral("only the docs")), 1));
        QCOMPARE(sh(QStringLiteral("curl -sS -m 10 'http://docs.test/docs/a?q=1'")).out, QByteArray("http GET /docs/a?q=1\n"));
        ExecOutput post = sh(QStringLiteral("curl -sS -m 10 -X POST -d x http://docs.test/docs/a"));
        QVERIFY2(post.out.contains("only the docs"), (post.out + post.err).constData());
        QVERIFY(sh(QStringLiteral("curl -sS -m 10 http://docs.test/admin")).out.contains("only the docs"));
        // A second request smuggled behind an allowed one never reaches the server.
        m_web.lastRequest.clear();
        ExecOutput pipelined = execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("python3"), QStringLiteral("-c"), QStringLiteral(
            "import socket\ns = socket.create_connection(('docs.test', 80), timeout=5)\n"
            "s.sendall(b'GET /docs/ok HTTP/1.1\\r\\nHost: docs.test\\r\\n\\r\\nPOST /admin HTTP/1.1\\r\\nHost: docs.test\\r\\nContent-Length: 0\\r\\n\\r\\n')\n"
            "data = b''\nwhile True:\n    d = s.recv(4096)\n    if not d: break\n    data += d\nprint(data.decode())") });
        QVERIFY2(pipelined.out.contains("403 Forbidden") && pipelined.out.contains("only the docs"), pipelined.out.constData());
        QVERIFY2(!m_web.lastRequest.contains("/admin"), m_web.lastRequest.constData());
        auto allowed = logEntry(QStringLiteral("docs.test"), [](const EgressLogEntry &e) { return e.request == QStringLiteral("GET /docs/a"); });
        QVERIFY(allowed && allowed->verdict == EgressVerdict::Allowed && allowed->protocol == QStringLiteral("http"));
        QCOMPARE(allowed->rule, QStringLiteral("allow docs.test GET /docs/*"));
        auto denied = logEntry(QStringLiteral("docs.test"), [](const EgressLogEntry &e) { return e.request == QStringLiteral("POST /admin"); });
        QVERIFY(denied && denied->verdict == EgressVerdict::Denied);
        // TLS to the same name matches no HTTP rule: the deny rule decides.
        QVERIFY(sh(QStringLiteral("curl -sS -m 10 -k https://docs.test/docs/a; echo rc=$?")).out.contains("rc=35"));
    }

    void askedConnectionsWaitForAnAnswer_data()
    {
        QTest::addColumn<QString>("answer");
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<QString>("logged");
        QTest::newRow("allow once") << QStringLiteral("allow-once") << QByteArray("http GET /asked\n")
                                    << QStringLiteral("allowed once by the person asked");
        QTest::newRow("deny once") << QStringLiteral("deny-once") << QByteArray("denied by the person asked")
                                   << QStringLiteral("denied by the person asked");
    }
    void askedConnectionsWaitForAnAnswer()
    {
        QFETCH(QString, answer);
        QFETCH(QByteArray, expected);
        QFETCH(QString, logged);
        overrideHost(QStringLiteral("asked.test"), m_web.serverPort());
        QVERIFY(m_fx.engine->setEgressSettings(m_fx.sandbox.id, EgressSettings { true }));
        QSignalSpy asked(m_fx.engine.get(), &Engine::egressQuestionAsked);
        auto session = m_fx.engine->exec(m_fx.sandbox.id, CommandSpec { { QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-m"),
                                                                         QStringLiteral("20"), QStringLiteral("http://asked.test/asked") } });
        QVERIFY(session);
        QByteArray out;
        bool finished = false;
        connect(*session, &ExecSession::output, this, [&](OutputStream, const QByteArray &d) { out += d; });
        connect(*session, &ExecSession::finished, this, [&] { finished = true; });
        QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 10000);
        const auto q = asked.first().first().value<EgressQuestion>();
        QCOMPARE(q.host, QStringLiteral("asked.test"));
        QCOMPARE(q.port, quint16(80));
        QCOMPARE(q.sandboxName, QStringLiteral("egress"));
        QVERIFY2(q.process.startsWith(QStringLiteral("curl")), qPrintable(q.process));
        QCOMPARE(m_fx.engine->egressQuestions().size(), 1);
        QVERIFY(!finished); // held
        QVERIFY(m_fx.engine->answerEgressQuestion(q.id, *egressAnswerFromName(answer)));
        QTRY_VERIFY_WITH_TIMEOUT(finished, 10000);
        QVERIFY2(out.contains(expected), out.constData());
        QVERIFY(logEntry(QStringLiteral("asked.test"), [&](const EgressLogEntry &e) { return e.reason == logged; }));
        QVERIFY(m_fx.engine->egressQuestions().isEmpty());
        QVERIFY(m_fx.engine->setEgressSettings(m_fx.sandbox.id, EgressSettings { false }));
    }

    void allowAlwaysAddsARule()
    {
        overrideHost(QStringLiteral("always.test"), m_web.serverPort());
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("always.test"), EgressAction::Ask)));
        QSignalSpy asked(m_fx.engine.get(), &Engine::egressQuestionAsked);
        QSignalSpy closed(m_fx.engine.get(), &Engine::egressQuestionClosed);
        connect(m_fx.engine.get(), &Engine::egressQuestionAsked, this, [this](const EgressQuestion &q) {
            m_fx.engine->answerEgressQuestion(q.id, EgressAnswer::AllowAlways);
        });
        QCOMPARE(sh(QStringLiteral("curl -sS -m 10 http://always.test/1")).out, QByteArray("http GET /1\n"));
        QCOMPARE(asked.size(), 1);
        QCOMPARE(closed.first().at(1).toString(), QStringLiteral("allow-always"));
        auto rules = m_fx.engine->egressRules(m_fx.sandbox.id);
        QVERIFY(rules && !rules->isEmpty());
        QCOMPARE(describeEgressRule(rules->first()), QStringLiteral("allow always.test:80"));
        QCOMPARE(sh(QStringLiteral("curl -sS -m 10 http://always.test/2")).out, QByteArray("http GET /2\n"));
        QCOMPARE(asked.size(), 1); // not asked again
        disconnect(m_fx.engine.get(), &Engine::egressQuestionAsked, this, nullptr);
    }

    // Behind a corporate proxy: every upstream connection is a CONNECT
    // through it, never direct, and its refusals are the sandbox's.
    void upstreamsGoThroughTheForwardProxy()
    {
        ConnectProxy proxy(m_web.serverPort());
        QVERIFY(m_fx.engine->setForwardProxy(ForwardProxySettings { false, QStringLiteral("http://u:p@127.0.0.1:%1").arg(proxy.serverPort()),
                                                                    QStringLiteral("http://u:p@127.0.0.1:%1").arg(proxy.serverPort()),
                                                                    QStringLiteral("nothing.test") }));
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("*.corp.test"), EgressAction::Allow)));
        QCOMPARE(sh(QStringLiteral("curl -sS -m 10 http://intranet.corp.test/p")).out, QByteArray("http GET /p\n"));
        QCOMPARE(proxy.targets, QStringList { QStringLiteral("intranet.corp.test:80") });
        QVERIFY(proxy.requests.first().contains("Proxy-Authorization: Basic " + QByteArray("u:p").toBase64()));
        auto e = logEntry(QStringLiteral("intranet.corp.test"), [](const EgressLogEntry &e) { return !e.open; });
        QVERIFY(e);
        QCOMPARE(e->upstream, QStringLiteral("via proxy 127.0.0.1:%1").arg(proxy.serverPort()));

        proxy.refuse << QStringLiteral("blocked.corp.test:443");
        QCOMPARE(execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("python3"), QStringLiteral("-c"),
                     QStringLiteral("import socket\ntry:\n    s = socket.create_connection(('blocked.corp.test', 443), timeout=5)\n"
                                    "    print(s.recv(10))\nexcept ConnectionResetError:\n    print('reset')") }).out,
                 QByteArray("reset\n"));
        auto refused = logEntry(QStringLiteral("blocked.corp.test"), [](const EgressLogEntry &) { return true; });
        QVERIFY(refused && refused->reason.contains(QStringLiteral("refused CONNECT blocked.corp.test:443 with 403")));

        // With the proxy gone nothing goes out directly.
        const quint16 proxyPort = proxy.serverPort();
        proxy.close();
        ExecOutput down = sh(QStringLiteral("curl -sS -m 10 http://down.corp.test/"));
        // Plain HTTP goes through the gate, which answers the failure readably.
        QVERIFY2(down.out.startsWith("Paddock egress: cannot connect to 127.0.0.1:"), down.out.constData());
        auto failed = logEntry(QStringLiteral("down.corp.test"), [](const EgressLogEntry &) { return true; });
        QVERIFY(failed && failed->failure.contains(QStringLiteral("cannot connect to 127.0.0.1:%1").arg(proxyPort)));
        QCOMPARE(failed->verdict, EgressVerdict::Allowed); // allowed, and failed: told apart by `failure`
        QCOMPARE(m_fx.engine->forwardProxy().fromEnvironment, false);
        QVERIFY(m_fx.engine->setForwardProxy(ForwardProxySettings { false, {}, {}, {} })); // direct again
        QVERIFY(!m_fx.engine->setForwardProxy(ForwardProxySettings { false, QStringLiteral("https://proxy.test:3128"), {}, {} }));
    }

    void unansweredQuestionsAreDenied()
    {
        overrideHost(QStringLiteral("ignored.test"), m_web.serverPort());
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, rule(QStringLiteral("ignored.test"), EgressAction::Ask)));
        m_fx.engine->setEgressQuestionTimeout(300);
        ExecOutput r = sh(QStringLiteral("curl -sS -m 10 http://ignored.test/"));
        QVERIFY2(r.out.contains("nobody answered"), r.out.constData());
        m_fx.engine->setEgressQuestionTimeout(60000);
        auto e = logEntry(QStringLiteral("ignored.test"), [](const EgressLogEntry &) { return true; });
        QVERIFY(e && e->verdict == EgressVerdict::Denied);
    }
};

QTEST_GUILESS_MAIN(TstEgress)
#include "tst_egress.moc"
