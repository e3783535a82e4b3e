// Inspected egress end to end: a sandbox calls an HTTPS API through an
// inspect rule that injects a credential, and never holds it. The upstream
// is a local HTTPS server (tests/helpers/https_echo_server.py) that reports
// every request it receives and echoes it back; its CA is trusted with
// trustUpstreamCa, as `paddock egress trust-ca` does.
#include "background_exec.h"
#include "egress/egress_limits.h"
#include "test_support.h"
#include "upstream_servers.h"

#include <QDir>
#include <QElapsedTimer>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <malloc.h>

using namespace paddock;
using namespace paddock::test;

namespace {

// Every message the engine logs while the test runs: the secret must not be among them.
QByteArray g_engineLog;
QtMessageHandler g_previousHandler = nullptr;

void keepMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_engineLog += message.toUtf8() + '\n';
    g_previousHandler(type, context, message);
}

// Opens COUNT inspected HTTPS downloads and never reads them (a small
// receive buffer: the bytes wait in the engine). Prints "open N", then
// keeps them until its stdin closes.
const char *kStalledDownloads = R"py(
import socket, ssl, sys
ctx = ssl.create_default_context()
socks = []
for i in range(COUNT):
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.settimeout(30)
    raw.connect(('other.echo.test', 443))
    s = ctx.wrap_socket(raw, server_hostname='other.echo.test')
    s.sendall(b'GET /big?bytes=1000000000000 HTTP/1.1\r\nHost: other.echo.test\r\n\r\n')
    socks.append(s)
print('open', len(socks), flush=True)
sys.stdin.read()
)py";

QString runScript(const QString &script)
{
    QProcess p;
    p.start(QStringLiteral("bash"), { QStringLiteral("-c"), script });
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QString::fromLocal8Bit(p.readAllStandardOutput() + p.readAllStandardError());
    return {};
}



} // namespace

class TstEgressInspection : public QObject {
    Q_OBJECT

    SandboxFixture fx;
    std::unique_ptr<TestCa> trusted; // the echo server's CA, trusted upstream
    std::unique_ptr<TestCa> untrusted; // another, never trusted
    QTemporaryDir gitRoot;
    HttpsEchoUpstream echo, impostor;
    QByteArray token; // the secret's value

    ExecOutput run(const QString &script)
    {
        return execIn(*fx.engine, fx.sandbox.id,
            { QStringLiteral("sh"), QStringLiteral("-c"), script }, {},
            { QStringLiteral("HOME=/tmp") });
    }

private Q_SLOTS:
    void initTestCase()
    {
        g_previousHandler = qInstallMessageHandler(keepMessage);
        trusted
            = makeTestCa({ QStringLiteral("api.echo.test"), QStringLiteral("other.echo.test") });
        QVERIFY2(trusted->error.isEmpty(), qPrintable(trusted->error));
        untrusted = makeTestCa({ QStringLiteral("bad.echo.test") });
        QVERIFY2(untrusted->error.isEmpty(), qPrintable(untrusted->error));
        const QString made
            = runScript(QStringLiteral("set -e; cd '%1'; git init -q --bare repo.git; git init -q "
                                       "work; cd work; echo inspected > README; "
                                       "git add README; git -c user.name=t -c user.email=t@t "
                                       "commit -qm one; git push -q ../repo.git HEAD:main; "
                                       "git -C ../repo.git symbolic-ref HEAD refs/heads/main")
                            .arg(gitRoot.path()));
        QVERIFY2(made.isEmpty(), qPrintable(made));
        QString started = echo.start(trusted->dir.path() + QStringLiteral("/leaf.pem"),
            trusted->dir.path() + QStringLiteral("/leaf.key"), gitRoot.path());
        QVERIFY2(started.isEmpty(), qPrintable(started));
        started = impostor.start(untrusted->dir.path() + QStringLiteral("/leaf.pem"),
            untrusted->dir.path() + QStringLiteral("/leaf.key"), gitRoot.path());
        QVERIFY2(started.isEmpty(), qPrintable(started));

        const QString failed = fx.setUp(QStringLiteral("inspect"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        auto added = fx.engine->trustUpstreamCa(fileContents(trusted->caFile));
        QVERIFY2(added && added->size() == 1, added ? "" : qPrintable(added.error().message));
        for (const char *name : { "api.echo.test", "other.echo.test" })
            QVERIFY(fx.engine->setHostOverride(HostOverride {
                QString::fromLatin1(name), QStringLiteral("127.0.0.1"), echo.port }));
        QVERIFY(fx.engine->setHostOverride(HostOverride {
            QStringLiteral("bad.echo.test"), QStringLiteral("127.0.0.1"), impostor.port }));

        token = "ghs_" + QByteArray::number(QRandomGenerator::system()->generate64(), 36)
            + QByteArray::number(QRandomGenerator::system()->generate64(), 36);
        QVERIFY(fx.engine->setSecret(QStringLiteral("ECHO_TOKEN"), token));

        EgressRule inject;
        inject.pattern = QStringLiteral("api.echo.test");
        inject.action = EgressAction::Allow; // promoted: it injects
        inject.inject = { { EgressInjection::Kind::Header, QStringLiteral("Authorization"),
            QStringLiteral("Bearer {{secret.ECHO_TOKEN}}") } };
        auto rule = fx.engine->addEgressRule(fx.sandbox.id, inject);
        QVERIFY2(rule, rule ? "" : qPrintable(rule.error().message));
        QCOMPARE(rule->action, EgressAction::Inspect);
        for (const char *name : { "other.echo.test", "bad.echo.test" }) {
            EgressRule inspect;
            inspect.pattern = QString::fromLatin1(name);
            inspect.action = EgressAction::Inspect;
            QVERIFY(fx.engine->addEgressRule(fx.sandbox.id, inspect));
        }
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(g_previousHandler);
        fx.tearDown();
    }

    // curl, Python and Node reach the API with the credential added on the
    // way, trusting Paddock's leaf with no flag; the sandbox's own
    // Authorization is replaced, and the echoed credential comes back masked.
    void clientsReachTheApiWithTheHeaderInjected()
    {
        const QList<QPair<QString, QString>> clients {
            { QStringLiteral("curl"),
                QStringLiteral(
                    "curl -sS -H 'Authorization: Bearer forged' https://api.echo.test/echo/curl") },
            { QStringLiteral("python"),
                QStringLiteral("python3 -c \"import urllib.request; "
                               "print(urllib.request.urlopen('https://api.echo.test/echo/"
                               "python').read().decode())\"") },
            { QStringLiteral("node"),
                QStringLiteral("node -e \"fetch('https://api.echo.test/echo/node').then(r => "
                               "r.text()).then(t => "
                               "console.log(t)).catch(e => { console.error(e.cause || e); "
                               "process.exit(1); })\"") },
        };
        for (const auto &[name, command] : clients) {
            const ExecOutput r = run(command);
            QVERIFY2(r.shellStatus() == 0, qPrintable(name + r.summary()));
            const QJsonObject echoed = QJsonDocument::fromJson(r.out).object();
            QVERIFY2(!echoed.isEmpty(), qPrintable(name + r.summary()));
            QCOMPARE(echoed[QStringLiteral("path")].toString(), QStringLiteral("/echo/") + name);
            const QString masked = QStringLiteral("Bearer ") + QString(token.size(), u'*');
            QCOMPARE(echoed[QStringLiteral("headers")][QStringLiteral("Authorization")].toString(),
                masked);
            QVERIFY2(!r.out.contains(token) && !r.err.contains(token), qPrintable(name));
            const QJsonObject upstream = echo.headersOf("request GET /echo/" + name.toLatin1());
            QCOMPARE(upstream[QStringLiteral("Authorization")].toString(),
                QStringLiteral("Bearer ") + QString::fromLatin1(token));
        }
    }

    // An upstream that answers in small chunks cuts the echoed credential
    // wherever the sandbox's padding puts the cut: masked whole all the same.
    void anEchoCutByChunkFramingIsMaskedWhole()
    {
        for (int chunk : { 5, 16, 61 }) {
            const ExecOutput r = run(QStringLiteral("curl -sS 'https://api.echo.test/echo/chunked?chunk=%1'").arg(chunk));
            QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
            const QJsonObject echoed = QJsonDocument::fromJson(r.out).object();
            QVERIFY2(!echoed.isEmpty(), qPrintable(r.summary()));
            QCOMPARE(echoed[QStringLiteral("headers")][QStringLiteral("Authorization")].toString(),
                QStringLiteral("Bearer ") + QString(token.size(), u'*'));
            QVERIFY2(!r.out.contains(token.left(8)), qPrintable(QString::number(chunk)));
        }
    }

    // An upstream that compresses its answer though asked not to would hand
    // the sandbox an echoed secret the redactor cannot read: refused (502),
    // the reason in the log. A request without a secret is not concerned.
    void aCompressedAnswerToAnInjectedRequestIsRefused()
    {
        const ExecOutput r = run(QStringLiteral("curl -sS --compressed -w '\\n%{http_code}' 'https://api.echo.test/echo/packed?gzip=1'"));
        QVERIFY2(r.out.endsWith("\n502") && r.out.contains("cannot be masked"), qPrintable(r.summary()));
        QVERIFY2(!r.out.contains(token.left(8)), qPrintable(r.summary()));
        QVERIFY(waitForEgressLog(*fx.engine, fx.sandbox.id, [](const EgressLogEntry &e) {
            return e.request.startsWith(QStringLiteral("GET /echo/packed")) && e.failure.contains(QStringLiteral("cannot be masked"));
        }, QStringLiteral("api.echo.test")));
    }

    void gitClonesOverInspectedHttps()
    {
        const ExecOutput r = run(QStringLiteral(
            "git clone -q https://api.echo.test/git/repo.git /tmp/clone && cat /tmp/clone/README"));
        QVERIFY2(r.shellStatus() == 0 && r.out == "inspected\n", qPrintable(r.summary()));
        const QJsonObject refs
            = echo.headersOf("request GET /git/repo.git/info/refs?service=git-upload-pack");
        QCOMPARE(refs[QStringLiteral("Authorization")].toString(),
            QStringLiteral("Bearer ") + QString::fromLatin1(token));
        QVERIFY(echo.reports().contains("request POST /git/repo.git/git-upload-pack"));
    }

    // The upgrade is decided and injected like any request; then the bytes pass both ways.
    void aWebSocketEchoesThroughAnInspectRule()
    {
        const ExecOutput r = run(
            QStringLiteral("python3 - <<'EOF'\n"
                           "import socket, ssl, os, base64\n"
                           "s = "
                           "ssl.create_default_context().wrap_socket(socket.create_connection(('"
                           "api.echo.test', 443)), server_hostname='api.echo.test')\n"
                           "key = base64.b64encode(os.urandom(16)).decode()\n"
                           "s.sendall(('GET /ws HTTP/1.1\\r\\nHost: api.echo.test\\r\\nUpgrade: "
                           "websocket\\r\\nConnection: Upgrade\\r\\n'\n"
                           "  'Sec-WebSocket-Key: %s\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n' % "
                           "key).encode())\n"
                           "head = b''\n"
                           "while b'\\r\\n\\r\\n' not in head: head += s.recv(1)\n"
                           "print(head.split(b'\\r\\n')[0].decode())\n"
                           "for text in (b'hello', b'through the gate'):\n"
                           "    mask = os.urandom(4)\n"
                           "    s.sendall(bytes([0x81, 0x80 | len(text)]) + mask + bytes(b ^ "
                           "mask[i % 4] for i, b in enumerate(text)))\n"
                           "    frame = s.recv(2)\n"
                           "    data = b''\n"
                           "    while len(data) < frame[1]: data += s.recv(frame[1] - len(data))\n"
                           "    print(data.decode())\n"
                           "EOF"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        QCOMPARE(r.out, QByteArray("HTTP/1.1 101 Switching Protocols\nhello\nthrough the gate\n"));
        QCOMPARE(echo.headersOf("request GET /ws")[QStringLiteral("Authorization")].toString(),
            QStringLiteral("Bearer ") + QString::fromLatin1(token));
    }

    // An upstream whose certificate does not chain to a trusted CA fails the
    // request with the reason, in the sandbox and in the log.
    void anUntrustedUpstreamFailsTheRequestClearly()
    {
        const ExecOutput r = run(
            QStringLiteral("curl -sS -w '\\n%{http_code}' https://bad.echo.test/echo/impostor"));
        QVERIFY2(r.out.endsWith("\n502"), qPrintable(r.summary()));
        QVERIFY2(r.out.contains("not trusted"), qPrintable(r.summary()));
        QVERIFY(!impostor.reports().contains("request GET"));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto log = fx.engine->egressLog(EgressLogQuery {
                fx.sandbox.id, std::nullopt, QStringLiteral("bad.echo.test"), 0, 20 });
            return log && !log->isEmpty()
                && log->first().failure.contains(QStringLiteral("not trusted"));
        }()),
            kWaitMs);
    }

    // A client that asks TLS for another name than the one it connected to is refused.
    void aServerNameOtherThanTheConnectionsIsRefused()
    {
        const ExecOutput r = run(QStringLiteral(
            "ip=$(getent hosts api.echo.test | cut -d' ' -f1); "
            "curl -sS --resolve other.echo.test:443:$ip https://other.echo.test/echo/sni"));
        QVERIFY2(r.shellStatus() != 0, qPrintable(r.summary()));
        QVERIFY(!echo.reports().contains("/echo/sni"));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto log = fx.engine->egressLog(EgressLogQuery {
                fx.sandbox.id, EgressVerdict::Denied, QStringLiteral("api.echo.test"), 0, 20 });
            return log && !log->isEmpty()
                && log->first().reason.contains(QStringLiteral("'other.echo.test'"));
        }()),
            kWaitMs);
    }

    // A client that stops reading and goes away mid-download ends its
    // connection on Paddock's side too: its place under the sandbox's cap
    // and its buffers are released, not held forever.
    void aClientThatGoesAwayMidDownloadEndsTheConnection()
    {
        const ExecOutput r
            = run(QStringLiteral("curl -sS https://api.echo.test/big?bytes=50000000 | head -c 10"));
        QCOMPARE(r.out, QByteArray("xxxxxxxxxx"));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto log = fx.engine->egressLog(EgressLogQuery {
                fx.sandbox.id, std::nullopt, QStringLiteral("api.echo.test"), 0, 20 });
            return log && std::any_of(log->begin(), log->end(), [](const EgressLogEntry &e) {
                return e.request == QLatin1String("GET /big") && !e.open;
            });
        }()),
            kWaitMs);
    }

    // The attack: inspected downloads the sandbox never reads. Both TLS
    // bridges of each connection queued 256 KiB each way on their workers,
    // outside every budget (~900 MB at the connection cap). Now what they
    // hold counts into the sandbox's held bytes, stops at its TLS budget
    // plus a record's floor each, and is what the engine's memory shows.
    void stalledInspectedDownloadsStayWithinTheSandboxsBudget()
    {
        constexpr int kConnections = 300;
        const qint64 heapBefore = qint64(mallinfo2().uordblks);
        Background stalled(*fx.engine, fx.sandbox.id,
            QString::fromLatin1(kStalledDownloads).replace(QStringLiteral("COUNT"), QString::number(kConnections)));
        const QByteArray open = stalled.line("open ", 180000);
        QVERIFY2(open == "open " + QByteArray::number(kConnections), open.constData());
        // The queues fill until nothing more moves for two seconds.
        EgressCounts most;
        QElapsedTimer quiet, total;
        quiet.start();
        total.start();
        while (quiet.elapsed() < 2000 && total.elapsed() < 90000) {
            QTest::qWait(250);
            const EgressCounts now = egressNow(*fx.engine, fx.sandbox.id);
            if (now.heldBytes > most.heldBytes + (1 << 20)) quiet.restart();
            if (now.heldBytes > most.heldBytes) most = now;
        }
        const qint64 inUse = qint64(mallinfo2().uordblks) - heapBefore;
        using namespace paddock::egress::limits;
        // Per connection: the gate's floor one way, each bridge's floor
        // (its capacity: up to 64 KiB) one way, and what an empty queue keeps.
        const qint64 perConnection = qint64(kRelayBufferFloor + 2 * 64 * 1024 + 4 * 4096);
        const qint64 bound = qint64(kRelayBufferPerSandbox + kTlsBufferPerSandbox) + most.open * perConnection;
        qInfo("%d stalled inspected downloads: %.1f MiB held (bound %.1f MiB), heap %.1f MiB more", most.open,
            double(most.heldBytes) / (1 << 20), double(bound) / (1 << 20), double(inUse) / (1 << 20));
        QVERIFY2(most.open >= kConnections, qPrintable(QString::number(most.open)));
        QVERIFY2(most.heldBytes <= bound, qPrintable(QStringLiteral("%1 held, over %2").arg(most.heldBytes).arg(bound)));
        // The flood did reach the budgets, else this proves nothing.
        QVERIFY2(most.heldBytes >= qint64(kRelayBufferPerSandbox + kTlsBufferPerSandbox) / 2, qPrintable(QString::number(most.heldBytes)));
        // What is counted is about what the memory is: the gates count the
        // bytes they queue, not their queues' capacity (up to twice that),
        // and each connection has its TLS sessions and gate beside. (With no
        // TLS budget: 345 MiB held, 465 MiB of heap; with it, 106 and 226.)
        QVERIFY2(inUse <= 2 * most.heldBytes + most.open * 256 * 1024,
            qPrintable(QStringLiteral("%1 bytes of heap for %2 held").arg(inUse).arg(most.heldBytes)));
        stalled.stop();
        QTRY_VERIFY_WITH_TIMEOUT(egressNow(*fx.engine, fx.sandbox.id).heldBytes == 0, 30000);
    }

    // Inspected requests are logged one by one: what, how it went, which secrets.
    void eachInspectedRequestIsLoggedWithItsSecretsNames()
    {
        auto log = fx.engine->egressLog(EgressLogQuery {
            fx.sandbox.id, EgressVerdict::Allowed, QStringLiteral("api.echo.test"), 0, 200 });
        QVERIFY(log);
        const auto entry = std::find_if(log->begin(), log->end(),
            [](const EgressLogEntry &e) { return e.request == QLatin1String("GET /echo/curl"); });
        QVERIFY(entry != log->end());
        QCOMPARE(entry->protocol, QStringLiteral("https"));
        QCOMPARE(entry->status, 200);
        QCOMPARE(entry->httpVersion, QStringLiteral("HTTP/1.1"));
        QCOMPARE(entry->secrets, QStringList { QStringLiteral("ECHO_TOKEN") });
        QVERIFY(entry->rule.startsWith(QStringLiteral("inspect api.echo.test")));
        QVERIFY(entry->upstream.contains(QStringLiteral("TLS verified")));
        QVERIFY2(entry->requestHeaders.contains(QStringLiteral("Authorization: Bearer ") + QString(token.size(), u'*')),
            qPrintable(entry->requestHeaders));
        QVERIFY(entry->requestHeaders.contains(QStringLiteral("Host: api.echo.test")));
        QVERIFY(!entry->requestHeaders.contains(QString::fromLatin1(token)));
        QVERIFY2(entry->responseHeaders.contains(QStringLiteral("Content-Type: application/json")),
            qPrintable(entry->responseHeaders));
    }

    // A destination whose rule injects nothing never receives the value,
    // and a rule naming a secret that has none sends nothing.
    void onlyTheInjectingRulesDestinationGetsTheSecret()
    {
        ExecOutput r = run(QStringLiteral("curl -sS https://other.echo.test/echo/other"));
        QVERIFY2(r.shellStatus() == 0, qPrintable(r.summary()));
        QVERIFY(
            !echo.headersOf("request GET /echo/other").contains(QStringLiteral("Authorization")));

        EgressRule missing;
        missing.pattern = QStringLiteral("other.echo.test");
        missing.port = 443;
        missing.method = QStringLiteral("POST");
        missing.action = EgressAction::Inspect;
        missing.inject = { { EgressInjection::Kind::Query, QStringLiteral("key"),
            QStringLiteral("{{secret.NOT_SET}}") } };
        QVERIFY(fx.engine->addEgressRule(fx.sandbox.id, missing, 0));
        r = run(QStringLiteral(
            "curl -sS -d x -w '\\n%{http_code}' https://other.echo.test/echo/missing"));
        // The sandbox learns that it failed; the log, why.
        QVERIFY2(r.out.endsWith("\n502") && !r.out.contains("NOT_SET"), qPrintable(r.summary()));
        QVERIFY(!echo.reports().contains("/echo/missing"));
        auto log = fx.engine->egressLog(EgressLogQuery {
            fx.sandbox.id, std::nullopt, QStringLiteral("other.echo.test"), 0, 20 });
        QVERIFY(log && std::any_of(log->begin(), log->end(), [](const EgressLogEntry &e) {
            return e.request == QLatin1String("POST /echo/missing")
                && e.failure.contains(QStringLiteral("NOT_SET")) && e.status == 502
                && e.verdict == EgressVerdict::Allowed && e.secrets.isEmpty();
        }));
    }

    // A sandbox may hold the secret's placeholder: the field the rule injects
    // replaces it; anywhere else it goes out as it is, worth nothing, and
    // the log says so. It never becomes the value in a field the sandbox
    // chose (an upstream could store or echo that field).
    void aPlaceholderNeverBecomesTheValueWhereTheSandboxPutsIt()
    {
        auto placeholder = fx.engine->secretPlaceholder(QStringLiteral("ECHO_TOKEN"));
        QVERIFY2(placeholder, placeholder ? "" : qPrintable(placeholder.error().message));
        QVERIFY(placeholder->startsWith(QStringLiteral("paddock_ph_ECHO_TOKEN_")));
        QCOMPARE(*fx.engine->secretPlaceholder(QStringLiteral("ECHO_TOKEN")),
            *placeholder); // one per secret
        QVERIFY(!fx.engine->secretPlaceholder(QStringLiteral("NO_SUCH")));

        const ExecOutput r = execIn(*fx.engine, fx.sandbox.id,
            { QStringLiteral("sh"), QStringLiteral("-c"),
                QStringLiteral("curl -sS -H \"Authorization: Bearer $PH\" -H \"X-Note: $PH\" "
                               "\"https://api.echo.test/echo/ph?text=$PH\"") },
            {}, { QStringLiteral("PH=") + *placeholder });
        QVERIFY2(r.shellStatus() == 0 && !r.out.contains(token), qPrintable(r.summary()));
        const QJsonObject upstream
            = echo.headersOf("request GET /echo/ph?text=" + placeholder->toLatin1());
        QCOMPARE(upstream[QStringLiteral("Authorization")].toString(),
            QStringLiteral("Bearer ") + QString::fromLatin1(token));
        QCOMPARE(upstream[QStringLiteral("X-Note")].toString(), *placeholder);
        QVERIFY(!echo.reports().contains("text=" + token));

        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto log = fx.engine->egressLog(EgressLogQuery {
                fx.sandbox.id, std::nullopt, QStringLiteral("api.echo.test"), 0, 20 });
            return log && std::any_of(log->begin(), log->end(), [](const EgressLogEntry &e) {
                return e.request == QLatin1String("GET /echo/ph")
                    && e.reason.contains(QStringLiteral("placeholder of ECHO_TOKEN"));
            });
        }()),
            kWaitMs);
    }

    // A sandbox that has an upstream echo its guesses at the very end of a
    // response would learn, from which guess comes back masked (a value cut
    // short), the secret a character at a time. After a few such answers
    // its secrets are no longer fetched at all, and the log says why.
    void aSandboxProbingForTheSecretLosesItsInjections()
    {
        auto prober = fx.engine->createSandbox({ QStringLiteral("prober") });
        QVERIFY2(prober, prober ? "" : qPrintable(prober.error().message));
        EgressRule inject;
        inject.pattern = QStringLiteral("api.echo.test");
        inject.action = EgressAction::Inspect;
        inject.inject = { { EgressInjection::Kind::Header, QStringLiteral("Authorization"),
            QStringLiteral("Bearer {{secret.ECHO_TOKEN}}") } };
        QVERIFY(fx.engine->addEgressRule(prober->id, inject));
        const auto curl = [&](const QByteArray &body) {
            return execIn(*fx.engine, prober->id,
                { QStringLiteral("curl"), QStringLiteral("-sS"), QStringLiteral("-w"), QStringLiteral(" %{http_code}"),
                    QStringLiteral("--data-binary"), QString::fromLatin1(body), QStringLiteral("https://api.echo.test/raw") });
        };
        const QByteArray start = token.left(6), wrong = token.left(5) + (token[5] == 'z' ? "y" : "z");
        QCOMPARE(curl(wrong).out, wrong + " 200"); // not its start: as it came
        for (int i = 0; i < 3; ++i)
            QCOMPARE(curl(start).out, QByteArray(6, '*') + " 200"); // maybe a value cut short: masked
        const ExecOutput stopped = curl("anything");
        QVERIFY2(stopped.out.endsWith(" 502") && !stopped.out.contains(token), qPrintable(stopped.summary()));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
            auto log = fx.engine->egressLog(EgressLogQuery { prober->id, std::nullopt, {}, 0, 50 });
            return log && std::any_of(log->begin(), log->end(), [](const EgressLogEntry &e) {
                return e.reason.contains(QStringLiteral("secrets are no longer injected for this sandbox"));
            });
        }()),
            kWaitMs);
        // The other sandbox keeps its injections.
        QVERIFY(run(QStringLiteral("curl -sS https://api.echo.test/echo/still")).out.contains("Bearer ***"));
        QVERIFY(await<void>([&](Callback<void> done) { fx.engine->removeSandbox(prober->id, true, done); }));
    }

    // Last: after everything above, the value is nowhere a workload or a
    // reader of Paddock's files can see.
    void theSecretIsNowhereToBeSeen()
    {
        // The value goes in encoded: the search itself must not plant it.
        const ExecOutput inside
            = run(QStringLiteral("t=$(echo %1 | base64 -d); for f in /proc/[0-9]*/environ; do cat "
                                 "$f; done | tr '\\0' '\\n' | grep -c \"$t\"; "
                                 "grep -rlsF \"$t\" / --exclude-dir=proc --exclude-dir=sys "
                                 "--exclude-dir=usr --exclude-dir=dev; echo searched")
                      .arg(QString::fromLatin1(token.toBase64())));
        QVERIFY2(inside.out.startsWith("0\n") && inside.out.endsWith("searched\n")
                && !inside.out.contains("/"),
            qPrintable(inside.summary()));
        // The engine's files: its database (with the log), and the sandbox's own directory.
        const QString dataDir = fx.data->paths().dataDir();
        QDirIterator files(
            dataDir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        int searched = 0;
        while (files.hasNext()) {
            const QString path = files.next();
            if (path.startsWith(fx.data->paths().secretsDir())) continue; // where it is kept, 0600
            QFileInfo info(path);
            if (!info.isFile() || info.isSymLink() || info.size() > 64 * 1024 * 1024) continue;
            QVERIFY2(!fileContents(path).contains(token), qPrintable(path));
            ++searched;
        }
        QVERIFY(searched > 3);
        auto log
            = fx.engine->egressLog(EgressLogQuery { fx.sandbox.id, std::nullopt, {}, 0, 1000 });
        QVERIFY(log && log->size() > 5);
        for (const EgressLogEntry &e : *log)
            QVERIFY(!(e.reason + e.failure + e.request + e.upstream + e.rule)
                         .contains(QString::fromLatin1(token)));
        QVERIFY(!g_engineLog.contains(token));
    }
};

QTEST_GUILESS_MAIN(TstEgressInspection)
#include "tst_egress_inspection.moc"
