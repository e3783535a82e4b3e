// Attacks on the HTTP gate — the per-request decisions of plain-HTTP
// connections whose rules name a method or path — from inside a real
// sandbox, against a lenient upstream that logs every request it parses
// (logging_http_server.h). Each attack must end refused (or answered only
// as the rules say), with the upstream never parsing the request the rules
// forbid, and with the refusal in the egress log.
#include "hostile_probe.h"
#include "logging_http_server.h"

#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

// Runs steps on one connection: ('send', bytes), ('response',) reads one
// response (head, then Content-Length bytes; none for 1xx), ('echo', n)
// reads n bytes, ('pause',) waits a moment as a slow client would. Prints
// each response read, and CLOSED when the gate closed first.
const char *const kClient = R"PY(
import socket, sys, time
def response(s, buf):
    while b'\r\n\r\n' not in buf:
        d = s.recv(65536)
        if not d:
            return buf, b'', True
        buf += d
    head, _, rest = buf.partition(b'\r\n\r\n')
    head += b'\r\n\r\n'
    status = int(head.split(b' ')[1])
    n = 0
    for line in head.split(b'\r\n')[1:]:
        k, _, v = line.partition(b':')
        if k.strip().lower() == b'content-length':
            n = int(v.strip())
    if status // 100 == 1:
        n = 0
    while len(rest) < n:
        d = s.recv(65536)
        if not d:
            break
        rest += d
    return head + rest[:n], rest[n:], False
def run(host, steps):
    s = socket.create_connection((host, 80), timeout=10)
    buf = b''
    for step in steps:
        if step[0] == 'send':
            try:
                s.sendall(step[1])
            except OSError:
                print('SEND FAILED')
                return
        elif step[0] == 'pause':
            time.sleep(step[1] if len(step) > 1 else 0.3)
        elif step[0] == 'echo':
            while len(buf) < step[1]:
                d = s.recv(65536)
                if not d:
                    break
                buf += d
            print('ECHO', repr(buf[:step[1]]))
            buf = buf[step[1]:]
        else:
            try:
                r, buf, closed = response(s, buf)
            except ConnectionResetError:
                r, closed = b'', True
            print('RESPONSE', repr(r))
            if closed:
                print('CLOSED')
                return
)PY";

QString pythonBytes(const QByteArray &bytes)
{
    QString out = QStringLiteral("b'");
    for (char c : bytes)
        out += QStringLiteral("\\x%1").arg(uint(uchar(c)), 2, 16, QLatin1Char('0'));
    return out + u'\'';
}

QByteArray get(const QByteArray &target, const QByteArray &host, const QByteArray &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

} // namespace

class TstHostileHttpGate : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    LoggingHttpServer m_up;

    // One connection to `host`:80 running `steps` (Python tuples).
    QByteArray exchange(const QString &host, const QStringList &steps)
    {
        ExecOutput r = pythonAttack(m_fx,
            QString::fromUtf8(kClient)
                + QStringLiteral("run('%1', [%2])\n").arg(host, steps.join(u',')));
        return r.out + r.err;
    }
    static QString send(const QByteArray &bytes)
    {
        return QStringLiteral("('send', %1)").arg(pythonBytes(bytes));
    }
    static QString response() { return QStringLiteral("('response',)"); }
    // One request, its response.
    QByteArray request(const QString &host, const QByteArray &bytes)
    {
        return exchange(host, { send(bytes), response() });
    }

    void rule(const QString &pattern, EgressAction action, const QString &method,
        const QString &path, const QString &reason = {})
    {
        EgressRule r;
        r.pattern = pattern;
        r.action = action;
        r.method = method;
        r.path = path;
        r.reason = reason;
        QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, r));
    }
    std::optional<EgressLogEntry> logged(const std::function<bool(const EgressLogEntry &)> &pred)
    {
        return waitForEgressLog(*m_fx.engine, m_fx.sandbox.id, pred);
    }
    // The request was refused with `status` and `reason` and logged so;
    // the upstream never parsed `forbidden`.
    void expectRefused(
        const QByteArray &out, const char *status, const QString &reason, const QString &forbidden)
    {
        QVERIFY2(out.contains(status), out.constData());
        QVERIFY2(out.contains(reason.toUtf8()), out.constData());
        QVERIFY2(!m_up.parsed(forbidden), qPrintable(m_up.requests.join(u'\n')));
        QVERIFY2(logged([&](const EgressLogEntry &e) {
            return e.verdict == EgressVerdict::Denied && e.reason.contains(reason);
        }),
            qPrintable(reason));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("http-gate"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        for (const char *name : { "paths.test", "denylist.test", "upgrade.test", "asks.test", "methods.test", "whole.test" })
            QVERIFY(m_fx.engine->setHostOverride(HostOverride {
                QString::fromLatin1(name), QStringLiteral("127.0.0.1"), m_up.serverPort() }));
        // An allow list: only GET /public/…
        rule(QStringLiteral("paths.test"), EgressAction::Allow, QStringLiteral("GET"),
            QStringLiteral("/public/*"));
        rule(QStringLiteral("paths.test"), EgressAction::Deny, {}, {},
            QStringLiteral("only /public"));
        // A deny list: anything but /admin…
        rule(QStringLiteral("denylist.test"), EgressAction::Deny, {}, QStringLiteral("/admin*"),
            QStringLiteral("no admin"));
        rule(QStringLiteral("denylist.test"), EgressAction::Allow, {}, {});
        // One method's path denied, the rest allowed.
        rule(QStringLiteral("methods.test"), EgressAction::Deny, QStringLiteral("GET"), QStringLiteral("/admin"),
            QStringLiteral("no GET /admin"));
        rule(QStringLiteral("methods.test"), EgressAction::Allow, {}, {});
        // The whole host, no method or path.
        rule(QStringLiteral("whole.test"), EgressAction::Allow, {}, {});
        rule(QStringLiteral("upgrade.test"), EgressAction::Allow, QStringLiteral("GET"),
            QStringLiteral("/public/*"));
        rule(QStringLiteral("upgrade.test"), EgressAction::Deny, {}, {},
            QStringLiteral("only /public"));
    }
    void cleanupTestCase() { m_fx.tearDown(); }
    // Each attack is judged by what the upstream parsed during it alone.
    void init()
    {
        m_up.requests.clear();
        m_up.heads.clear();
    }

    // ---- the path decided is the path the upstream gets ----

    void dotSegmentsCannotClimbOutOfAnAllowedPrefix()
    {
        expectRefused(
            request(QStringLiteral("paths.test"), get("/public/../admin.txt", "paths.test")),
            "403 Forbidden", QStringLiteral("only /public"), QStringLiteral("admin"));
        expectRefused(
            request(QStringLiteral("paths.test"), get("/public/%2e%2E/admin.txt", "paths.test")),
            "403 Forbidden", QStringLiteral("only /public"), QStringLiteral("admin"));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.request == QStringLiteral("GET /admin.txt")
                && e.verdict == EgressVerdict::Denied;
        }));
        // What is allowed goes upstream in its canonical spelling.
        QVERIFY(
            request(QStringLiteral("paths.test"), get("/public/./a/../%62.txt?q=%2F", "paths.test"))
                .contains("logged GET /public/b.txt?q=%2F"));
    }

    void encodedLettersCannotDodgeADenyRule()
    {
        expectRefused(
            request(QStringLiteral("denylist.test"), get("/%61dmin.txt", "denylist.test")),
            "403 Forbidden", QStringLiteral("no admin"), QStringLiteral("dmin"));
    }

    void repeatedSlashesCannotDodgeADenyRule()
    {
        expectRefused(request(QStringLiteral("denylist.test"), get("//admin", "denylist.test")),
            "403 Forbidden", QStringLiteral("no admin"), QStringLiteral("admin"));
        expectRefused(request(QStringLiteral("denylist.test"), get("/./admin", "denylist.test")),
            "403 Forbidden", QStringLiteral("no admin"), QStringLiteral("admin"));
    }

    // Tomcat reads "..;" as "..": refused outright, never matched as a name.
    void dotDotSemicolonIsRefused()
    {
        expectRefused(
            request(QStringLiteral("paths.test"), get("/public/..;/admin.txt", "paths.test")),
            "400 Bad Request", QStringLiteral("a segment some servers read as"),
            QStringLiteral("admin"));
    }

    void anEncodedSlashIsRefused()
    {
        expectRefused(
            request(QStringLiteral("paths.test"), get("/public/..%2Fadmin.txt", "paths.test")),
            "400 Bad Request", QStringLiteral("encoded '/' (%2F)"), QStringLiteral("admin"));
    }

    void aNulIsRefused()
    {
        expectRefused(
            request(QStringLiteral("paths.test"), get("/public/a.txt%00.png", "paths.test")),
            "400 Bad Request", QStringLiteral("encoded control byte (%00)"),
            QStringLiteral("a.txt"));
    }

    void absoluteFormIsRefused()
    {
        expectRefused(request(QStringLiteral("denylist.test"),
                          get("http://denylist.test/admin.txt", "denylist.test")),
            "400 Bad Request", QStringLiteral("absolute-form"), QStringLiteral("admin"));
    }

    // ---- the connection's name is the only host ----

    void theHostFieldMustNameTheConnectionsHost()
    {
        const int before = int(m_up.heads.size());
        expectRefused(request(QStringLiteral("denylist.test"), get("/ok", "other.test")),
            "403 Forbidden", QStringLiteral("Host field refused: it names 'other.test'"),
            QStringLiteral("/ok"));
        expectRefused(request(QStringLiteral("denylist.test"), get("/ok", "denylist.test:8080")),
            "403 Forbidden", QStringLiteral("names port 8080"), QStringLiteral("/ok"));
        expectRefused(request(QStringLiteral("denylist.test"),
                          get("/ok", "denylist.test", "Host: other.test\r\n")),
            "400 Bad Request", QStringLiteral("two Host fields"), QStringLiteral("/ok"));
        QCOMPARE(int(m_up.heads.size()), before);
    }

    // A rule for the whole name still ties Host to it: a server behind the
    // allowed name must not be asked for another of its sites.
    void theHostFieldIsTiedUnderAWholeNameRuleToo()
    {
        expectRefused(request(QStringLiteral("whole.test"), get("/site", "other.test")),
            "403 Forbidden", QStringLiteral("Host field refused: it names 'other.test'"),
            QStringLiteral("/site"));
        QVERIFY(request(QStringLiteral("whole.test"), get("/site", "whole.test")).contains("logged GET /site"));
    }

    // The gate waits a while for a connection's first request, then decides
    // it as not HTTP. A request sent after that must not slip through whole.
    void aRequestSentAfterTheWaitIsRefused()
    {
        const QString late = QStringLiteral("('send', %1), ('response',)");
        QByteArray out = exchange(QStringLiteral("denylist.test"),
            { QStringLiteral("('pause', 11)"), late.arg(pythonBytes(get("/admin.txt", "denylist.test"))) });
        QVERIFY2(!out.contains("200"), out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
        out = exchange(QStringLiteral("whole.test"),
            { QStringLiteral("('pause', 1.5)"), late.arg(pythonBytes(get("/site", "other.test"))) });
        QVERIFY2(!out.contains("200"), out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("/site")), qPrintable(m_up.requests.join(u'\n')));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.verdict == EgressVerdict::Denied && e.reason.contains(QStringLiteral("stopped waiting"));
        }));
    }

    // ---- a rule decides every spelling a server could read as its request ----

    // Servers run their GET handler for HEAD.
    void aRuleForGetDecidesHeadToo()
    {
        expectRefused(request(QStringLiteral("methods.test"),
                          "HEAD /admin HTTP/1.1\r\nHost: methods.test\r\n\r\n"),
            "403 Forbidden", QStringLiteral("no GET /admin"), QStringLiteral("/admin"));
        QVERIFY(request(QStringLiteral("methods.test"), "POST /admin HTTP/1.1\r\nHost: methods.test\r\nContent-Length: 0\r\n\r\n")
                    .contains("logged POST /admin"));
    }

    // Frameworks that honour X-HTTP-Method-Override or X-Original-URL act on
    // another method or path than the one the rules decided.
    void fieldsThatOverrideMethodOrPathAreRefused()
    {
        expectRefused(request(QStringLiteral("methods.test"),
                          get("/ok", "methods.test", "X-Original-URL: /admin\r\n")),
            "400 Bad Request", QStringLiteral("X-Original-URL field is refused"), QStringLiteral("/ok"));
        expectRefused(request(QStringLiteral("methods.test"),
                          "POST /admin HTTP/1.1\r\nHost: methods.test\r\nx-http-method-override: GET\r\nContent-Length: 0\r\n\r\n"),
            "400 Bad Request", QStringLiteral("x-http-method-override field is refused"), QStringLiteral("/admin"));
        // Under a rule for the whole name nothing depends on them.
        QVERIFY(request(QStringLiteral("whole.test"), get("/site", "whole.test", "X-HTTP-Method-Override: PUT\r\n"))
                    .contains("logged GET /site"));
    }

    // Some servers fold a method's case: "get" is refused, not let past a rule for GET.
    void aLowerCaseMethodIsRefused()
    {
        expectRefused(request(QStringLiteral("methods.test"), "get /admin HTTP/1.1\r\nHost: methods.test\r\n\r\n"),
            "400 Bad Request", QStringLiteral("is not in upper case"), QStringLiteral("/admin"));
    }

    // Case-insensitive routers, ";params", trailing dots and slashes: a deny
    // rule covers them all; an allow rule still means exactly its path.
    void lenientSpellingsCannotDodgeADenyRule()
    {
        for (const QByteArray &target : { QByteArray("/Admin"), QByteArray("/ADMIN"), QByteArray("/admin/"),
                                          QByteArray("/admin;x=1"), QByteArray("/admin%3b"), QByteArray("/admin."),
                                          QByteArray("/admin%2e"), QByteArray("/admin%20") }) {
            expectRefused(request(QStringLiteral("methods.test"), get(target, "methods.test")), "403 Forbidden",
                QStringLiteral("no GET /admin"), QStringLiteral("dmin"));
            expectRefused(request(QStringLiteral("denylist.test"), get(target, "denylist.test")), "403 Forbidden",
                QStringLiteral("no admin"), QStringLiteral("dmin"));
        }
        QVERIFY(request(QStringLiteral("methods.test"), get("/administrators", "methods.test"))
                    .contains("logged GET /administrators"));
        expectRefused(request(QStringLiteral("paths.test"), get("/PUBLIC/a.txt", "paths.test")), "403 Forbidden",
            QStringLiteral("only /public"), QStringLiteral("PUBLIC"));
    }

    // ---- nothing undecided reaches the upstream as a request ----

    // CL.0: an upstream that ignores a GET's body would read it as a request.
    void aGetBodyIsNeverReadAsASecondRequest()
    {
        const QByteArray smuggled = get("/admin.txt", "paths.test");
        const QByteArray out = request(QStringLiteral("paths.test"),
            get("/public/ok", "paths.test",
                "Content-Length: " + QByteArray::number(smuggled.size()) + "\r\n")
                + smuggled);
        QVERIFY2(out.contains("logged GET /public/ok"), out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
        const QByteArray &head = m_up.heads.last();
        QVERIFY2(head.contains("Connection: close\r\n"), head.constData());
    }

    // TE.CL: the gate must not frame by length what the upstream reads as chunks.
    void conflictingFramingIsRefused()
    {
        const QByteArray smuggled = "0\r\n\r\n" + get("/admin.txt", "denylist.test");
        for (const QByteArray &framing : { QByteArray("Transfer-Encoding: chunked, identity\r\n"),
                 QByteArray("Transfer-Encoding: gzip\r\n"),
                 QByteArray("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n") }) {
            const QByteArray out = request(QStringLiteral("denylist.test"),
                "POST /form HTTP/1.1\r\nHost: denylist.test\r\n" + framing + "Content-Length: "
                    + QByteArray::number(smuggled.size()) + "\r\n\r\n" + smuggled);
            QVERIFY2(out.contains("400 Bad Request"), out.constData());
            QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
        }
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.reason.contains(QStringLiteral("Transfer-Encoding"));
        }));
    }

    // A method beyond the usual eight, blank lines first, or a request
    // line dribbled out a byte at a time is still a request to decide.
    void unusualRequestStartsAreStillDecided()
    {
        const QByteArray rare = request(QStringLiteral("denylist.test"),
            "PROPFIND /admin.txt HTTP/1.1\r\nHost: denylist.test\r\n\r\n");
        QVERIFY2(rare.contains("403 Forbidden"), rare.constData());
        const QByteArray blank = request(
            QStringLiteral("denylist.test"), "\r\n" + get("/admin.txt", "denylist.test"));
        QVERIFY2(blank.contains("400 Bad Request"), blank.constData());
        const QByteArray slow = exchange(QStringLiteral("denylist.test"),
            { send("G"), QStringLiteral("('pause',)"),
                send(get("/admin.txt", "denylist.test").mid(1)), response() });
        QVERIFY2(slow.contains("403 Forbidden"), slow.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
    }

    // ---- an upgrade is a tunnel only once the upstream switched ----

    void anUpgradeTheUpstreamDeclinedLeavesTheGateDeciding()
    {
        const QByteArray out = exchange(QStringLiteral("upgrade.test"),
            { send(get("/public/no-upgrade", "upgrade.test",
                  "Connection: Upgrade\r\nUpgrade: websocket\r\n")),
                response(), send(get("/admin.txt", "upgrade.test")), response() });
        QVERIFY2(out.contains("logged GET /public/no-upgrade") && out.contains("403 Forbidden"),
            out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.host == QStringLiteral("upgrade.test")
                && e.request == QStringLiteral("GET /admin.txt")
                && e.verdict == EgressVerdict::Denied;
        }));
    }

    // Upgrade is hop-by-hop: only a WebSocket upgrade is passed on, so no
    // 101 to h2c (or anything else) can follow.
    void upgradesOtherThanWebSocketAreNotPassedOn()
    {
        const QByteArray out = exchange(QStringLiteral("upgrade.test"),
            { send(get("/public/h2", "upgrade.test",
                  "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                  "HTTP2-Settings: AAMAAABkAAQAAP__\r\n")),
                response(), send(get("/admin.txt", "upgrade.test")), response() });
        QVERIFY2(out.contains("logged GET /public/h2") && out.contains("403 Forbidden"),
            out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
        QVERIFY(!m_up.heads.last().contains("h2c"));
    }

    void aWebSocketUpgradeOfAnAllowedRequestWorks()
    {
        const QByteArray out = exchange(QStringLiteral("upgrade.test"),
            { send(get("/public/ws", "upgrade.test",
                  "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n")),
                response(), send("frames after the switch"), QStringLiteral("('echo', 23)") });
        QVERIFY2(out.contains("101 Switching Protocols")
                && out.contains("ECHO b'frames after the switch'"),
            out.constData());
    }

    void aSwitchOfProtocolsNobodyAskedForIsRefused()
    {
        const QByteArray out = exchange(QStringLiteral("upgrade.test"),
            { send(get("/public/sneaky-101", "upgrade.test")), response(),
                send(get("/admin.txt", "upgrade.test")), response() });
        QVERIFY2(!out.contains("101 Switching"), out.constData());
        QVERIFY2(out.contains("502 Bad Gateway"), out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("admin")), qPrintable(m_up.requests.join(u'\n')));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.reason.contains(QStringLiteral("switched protocols (101) though no upgrade"));
        }));
    }

    void connectNeedsARuleThatNamesIt()
    {
        const QByteArray out = exchange(QStringLiteral("denylist.test"),
            { send("CONNECT denylist.test:80 HTTP/1.1\r\nHost: denylist.test:80\r\n\r\n"),
                response(), send(get("/admin.txt", "denylist.test")), response() });
        QVERIFY2(out.contains("403 Forbidden") && out.contains("names the CONNECT method"),
            out.constData());
        QVERIFY2(!m_up.parsed(QStringLiteral("CONNECT")) && !m_up.parsed(QStringLiteral("admin")),
            qPrintable(m_up.requests.join(u'\n')));
    }

    // ---- a person's answer is about one request ----

    void allowAlwaysAllowsExactlyTheRequestAskedAbout()
    {
        rule(QStringLiteral("asks.test"), EgressAction::Ask, QStringLiteral("GET"),
            QStringLiteral("/*"));
        rule(QStringLiteral("asks.test"), EgressAction::Deny, {}, {},
            QStringLiteral("only what was asked"));
        QStringList asked;
        connect(
            m_fx.engine.get(), &Engine::egressQuestionAsked, this, [&](const EgressQuestion &q) {
                asked << q.id;
                // The first is answered "allow always", the rest "deny once".
                m_fx.engine->answerEgressQuestion(
                    q.id, asked.size() == 1 ? EgressAnswer::AllowAlways : EgressAnswer::DenyOnce);
            });
        QVERIFY(
            request(QStringLiteral("asks.test"), get("/a", "asks.test")).contains("logged GET /a"));
        QCOMPARE(asked.size(), 1);
        const EgressRule added = m_fx.engine->egressRules(m_fx.sandbox.id)->first();
        QCOMPARE(describeEgressRule(added), QStringLiteral("allow asks.test:80 GET /a"));
        QVERIFY(request(QStringLiteral("asks.test"), get("/a", "asks.test"))
                    .contains("logged GET /a")); // allowed, not asked
        QCOMPARE(asked.size(), 1);
        QVERIFY(request(QStringLiteral("asks.test"), get("/ab", "asks.test"))
                    .contains("denied by the person"));
        QVERIFY(request(QStringLiteral("asks.test"), get("/a/b", "asks.test"))
                    .contains("denied by the person"));
        QCOMPARE(asked.size(), 3); // other paths are asked about again
        QVERIFY(request(QStringLiteral("asks.test"),
            "POST /a HTTP/1.1\r\nHost: asks.test\r\nContent-Length: 0\r\n\r\n")
                    .contains("only what was asked"));
        disconnect(m_fx.engine.get(), &Engine::egressQuestionAsked, this, nullptr);
    }

    // A client that gave up while a person decides (curl -m timed out, the
    // process was killed) must not have its request sent when they answer.
    void aRequestWhoseClientLeftIsWithdrawnNotSent()
    {
        for (const QString &name : { QStringLiteral("left.test"), QStringLiteral("leftraw.test") })
            QVERIFY(m_fx.engine->setHostOverride(HostOverride { name, QStringLiteral("127.0.0.1"), m_up.serverPort() }));
        rule(QStringLiteral("left.test"), EgressAction::Ask, QStringLiteral("POST"), QStringLiteral("/pay"));
        rule(QStringLiteral("leftraw.test"), EgressAction::Ask, {}, {});
        QStringList asked;
        QHash<QString, QString> closed;
        connect(m_fx.engine.get(), &Engine::egressQuestionAsked, this,
            [&](const EgressQuestion &q) { asked << q.id; });
        connect(m_fx.engine.get(), &Engine::egressQuestionClosed, this,
            [&](const QString &id, const QString &outcome) { closed.insert(id, outcome); });
        const auto leaveAndAnswer = [&](const QString &host, const QStringList &steps) {
            asked.clear();
            exchange(host, steps); // returns: its socket is closed
            QTRY_COMPARE_WITH_TIMEOUT(asked.size(), 1, 10000);
            QTRY_COMPARE_WITH_TIMEOUT(closed.value(asked.first()), QStringLiteral("withdrawn"), 5000);
            QVERIFY(m_fx.engine->egressQuestions().isEmpty());
            // Answering now finds nothing, and nothing is sent on the client's behalf.
            QVERIFY(!m_fx.engine->answerEgressQuestion(asked.first(), EgressAnswer::AllowOnce));
        };
        // Through the HTTP gate: a whole request, then gone.
        leaveAndAnswer(QStringLiteral("left.test"), { send("POST /pay HTTP/1.1\r\nHost: left.test\r\nContent-Length: 3\r\n\r\n100") });
        // A connection that is not HTTP (decided whole, as TCP), then gone.
        leaveAndAnswer(QStringLiteral("leftraw.test"), { send(QByteArray("\x00\x01not http", 10)), QStringLiteral("('pause',)") });
        QTest::qWait(500);
        QVERIFY2(!m_up.parsed(QStringLiteral("/pay")), qPrintable(m_up.requests.join(u'\n')));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.verdict == EgressVerdict::Denied && e.reason.startsWith(QStringLiteral("withdrawn"))
                && e.request == QStringLiteral("POST /pay");
        }));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.verdict == EgressVerdict::Denied && e.reason.startsWith(QStringLiteral("withdrawn"))
                && e.request.isEmpty();
        }));
        disconnect(m_fx.engine.get(), nullptr, this, nullptr);
    }

    // ---- each request's entry carries its traffic ----

    void eachRequestIsLoggedWithItsBytesAndDuration()
    {
        QVERIFY(request(QStringLiteral("denylist.test"),
            "POST /count HTTP/1.1\r\nHost: denylist.test\r\nContent-Length: 5\r\n\r\nhello")
                    .contains("logged POST /count"));
        auto e = logged([](const EgressLogEntry &e) {
            return e.request == QStringLiteral("POST /count") && !e.open;
        });
        QVERIFY(e);
        QCOMPARE(e->verdict, EgressVerdict::Allowed);
        QVERIFY2(e->bytesOut > 5 && e->bytesIn > 0,
            qPrintable(QStringLiteral("%1 out, %2 in").arg(e->bytesOut).arg(e->bytesIn)));
        QVERIFY(e->durationMs >= 0);
        QCOMPARE(e->upstream, QStringLiteral("127.0.0.1:%1").arg(m_up.serverPort()));
    }

    // ---- a connection is not held for ever ----

    // A head sent a byte a second (slowloris) would hold the connection and
    // its upstream for as long as the sandbox likes: it is cut off with a
    // 408 once it has taken HttpGate::kHeadMs, and never reaches upstream.
    void aHeadSentAByteAtATimeIsCutOff()
    {
        const ExecOutput r = execIn(*m_fx.engine, m_fx.sandbox.id, { QStringLiteral("python3"), QStringLiteral("-c"), QStringLiteral(R"PY(
import socket, time
s = socket.create_connection(('paths.test', 80), timeout=10)
s.sendall(b'GET /public/slow HTTP/1.1\r\nHost: paths.test\r\nX-Slow: ')
s.setblocking(False)
start, got = time.monotonic(), b''
while time.monotonic() - start < 50:
    try:
        s.send(b'x')  # a field value that never ends
        d = s.recv(4096)
        if not d: break
        got += d
    except BlockingIOError:
        pass
    except OSError:
        break
    time.sleep(1)
print(round(time.monotonic() - start), got.split(b'\r\n')[0].decode())
)PY") }, {}, {}, 70000);
        const QList<QByteArray> words = r.out.trimmed().split(' ');
        QVERIFY2(words.size() > 2 && words[2] == "408", qPrintable(r.summary()));
        const int seconds = words[0].toInt();
        QVERIFY2(seconds >= 30 && seconds <= 40, qPrintable(r.summary()));
        QVERIFY(!m_up.parsed(QStringLiteral("/public/slow")));
        QVERIFY(logged([](const EgressLogEntry &e) {
            return e.verdict == EgressVerdict::Denied && e.reason.contains(QStringLiteral("did not arrive whole"));
        }));
    }
};

QTEST_GUILESS_MAIN(TstHostileHttpGate)
#include "tst_hostile_http_gate.moc"
