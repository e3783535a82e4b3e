// Attacks on the check of a TLS connection's first bytes, from inside a
// sandbox allowed to reach one name, against a local TLS server that
// answers any server name and is as lenient as Go's about what comes
// before the ClientHello (tests/helpers/lenient_tls_server.py). Each bent
// first flight asks for another name (evil.test): it must be refused and
// logged with what was seen, and the upstream must get none of its bytes,
// while an ordinary TLS client still works — and is logged with its process.
#include "hostile_probe.h"
#include "upstream_servers.h"

#include <QFile>
#include <QTest>

using namespace paddock;
using namespace paddock::test;

namespace {

const QString kName = QStringLiteral("tls.test");
const QString kProbe = QStringLiteral("/tmp/tls_first_flight_probe.py");

// The helper server, run as a process: each line it prints is an event.
class LenientTlsServer {
public:
    explicit LenientTlsServer(const TestCa &ca)
    {
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] { read(); });
        m_process.start(QStringLiteral("python3"), { QStringLiteral(PADDOCK_TEST_HELPERS "/lenient_tls_server.py"),
                                                     ca.dir.filePath(QStringLiteral("leaf.pem")),
                                                     ca.dir.filePath(QStringLiteral("leaf.key")) });
        (void)QTest::qWaitFor([this] { return m_port != 0 || m_process.state() == QProcess::NotRunning; }, 10000);
    }
    ~LenientTlsServer()
    {
        m_process.kill();
        m_process.waitForFinished();
    }
    quint16 port() const { return m_port; }
    QStringList events; // "open", "sni evil.test", "handshake tls.test", "end 0", …
    qsizetype count(const QString &event) const
    {
        return std::count_if(events.begin(), events.end(), [&](const QString &e) { return e.section(u' ', 0, 0) == event; });
    }
    // Every connection it accepted has ended.
    bool quiet() const { return count(QStringLiteral("open")) == count(QStringLiteral("end")); }

private:
    void read()
    {
        while (m_process.canReadLine()) {
            const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
            if (line.startsWith(QStringLiteral("port ")))
                m_port = quint16(line.mid(5).toUInt());
            else
                events << line;
        }
    }
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace

class TstHostileTlsPeek : public QObject {
    Q_OBJECT

    SandboxFixture m_fx;
    std::unique_ptr<TestCa> m_ca;
    std::unique_ptr<LenientTlsServer> m_server;
    EchoServer m_echo;

    QByteArray probe(const QString &mode, quint16 port, const QString &sni = QStringLiteral("evil.test"), bool trustCa = false)
    {
        QStringList argv { QStringLiteral("python3"), kProbe, mode, kName, QString::number(port), sni };
        if (trustCa)
            argv << QStringLiteral("/tmp/ca.pem");
        const ExecOutput r = execIn(*m_fx.engine, m_fx.sandbox.id, argv);
        return (r.out + r.err).trimmed();
    }
    std::optional<EgressLogEntry> logged(const std::function<bool(const EgressLogEntry &)> &pred)
    {
        return waitForEgressLog(*m_fx.engine, m_fx.sandbox.id, pred);
    }
    // The newest entry's ID: entries after it are the next step's (the
    // log also holds the earlier tests' connections to the same name).
    qint64 newestLogId()
    {
        EgressLogQuery q;
        q.sandbox = m_fx.sandbox.id;
        q.limit = 1;
        const QList<EgressLogEntry> log = m_fx.engine->egressLog(q).value_or(QList<EgressLogEntry>());
        return log.isEmpty() ? 0 : log.first().id;
    }
    bool putInSandbox(const QString &from, const QString &to)
    {
        QFile f(from);
        if (!f.open(QIODevice::ReadOnly))
            return false;
        const QByteArray bytes = f.readAll();
        return bool(await<void>([&](Callback<void> done) { m_fx.engine->writeFile(m_fx.sandbox.id, to, bytes, 0644, done); }));
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString failed = m_fx.setUp(QStringLiteral("tls-peek"));
        QVERIFY2(failed.isEmpty(), qPrintable(failed));
        m_ca = makeTestCa({ kName });
        QVERIFY2(m_ca->error.isEmpty(), qPrintable(m_ca->error));
        m_server = std::make_unique<LenientTlsServer>(*m_ca);
        QVERIFY2(m_server->port() != 0, "the lenient TLS server did not start (python3 with ssl needed)");
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { kName, QStringLiteral("127.0.0.1"), m_server->port() }));
        QVERIFY(m_fx.engine->setHostOverride(HostOverride { QStringLiteral("echo.test"), QStringLiteral("127.0.0.1"), m_echo.serverPort() }));
        for (const QString &name : { kName, QStringLiteral("echo.test") }) {
            EgressRule allow;
            allow.pattern = name;
            allow.action = EgressAction::Allow;
            QVERIFY(m_fx.engine->addEgressRule(m_fx.sandbox.id, allow));
        }
        QVERIFY(putInSandbox(QStringLiteral(PADDOCK_TEST_HELPERS "/tls_first_flight_probe.py"), kProbe));
        QVERIFY(putInSandbox(m_ca->caFile, QStringLiteral("/tmp/ca.pem")));
    }
    void cleanupTestCase()
    {
        m_fx.tearDown();
        m_server.reset();
    }

    // The baseline: a real client, verifying the test CA, gets through.
    void anOrdinaryTlsClientWorks()
    {
        QCOMPARE(probe(QStringLiteral("normal"), 443, kName, true), QByteArray("handshake tls tls.test GET /probe HTTP/1.0"));
        ExecOutput curl = attack(m_fx, QStringLiteral("curl -sS -m 10 --http0.9 --cacert /tmp/ca.pem https://tls.test/curl"));
        QVERIFY2(curl.out == "tls tls.test GET /curl HTTP/1.1\n", (curl.out + curl.err).constData());
    }

    void bentFirstFlightsAreRefused_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("seen");
        QTest::newRow("alert before the hello") << "alert" << 443 << "TLS alert record before the ClientHello";
        QTest::newRow("alert before the hello, port 4433") << "alert" << 4433 << "TLS alert record before the ClientHello";
        QTest::newRow("record version 0x0200") << "version-0x0200" << 443 << "TLS record version 0x0200";
        QTest::newRow("record version 0x0000") << "version-0x0000" << 443 << "TLS record version 0x0000";
        QTest::newRow("record version 0x0200, port 5000") << "version-0x0200" << 5000 << "TLS record version 0x0200";
        QTest::newRow("SSLv2-format hello") << "sslv2" << 443 << "SSLv2-format ClientHello";
        QTest::newRow("SSLv2-format hello, port 7000") << "sslv2" << 7000 << "SSLv2-format ClientHello";
        QTest::newRow("garbage on 443") << "garbage" << 443 << "port 443 is a TLS port";
        QTest::newRow("garbage on 8443") << "garbage" << 8443 << "port 8443 is a TLS port";
        QTest::newRow("hello in 100-byte records") << "spread" << 443 << "spread over more than 33 KiB of records";
        QTest::newRow("no server name") << "no-sni" << 443 << "names no server (SNI)";
    }
    void bentFirstFlightsAreRefused()
    {
        QFETCH(QString, mode);
        QFETCH(int, port);
        QFETCH(QString, seen);
        QTRY_VERIFY_WITH_TIMEOUT(m_server->quiet(), 10000);
        const qsizetype before = m_server->events.size();
        QCOMPARE(probe(mode, quint16(port)), QByteArray("reset"));
        auto e = logged([&](const EgressLogEntry &e) { return e.host == kName && e.port == port && e.reason.contains(seen); });
        QVERIFY2(e, qPrintable(QStringLiteral("no log entry saying '%1'").arg(seen)));
        QCOMPARE(e->verdict, EgressVerdict::Denied);
        QVERIFY2(e->process.startsWith(QStringLiteral("python3 (pid ")), qPrintable(e->process));
        // The upstream was dialled before the first bytes came, and closed
        // without a byte of them.
        QTRY_VERIFY_WITH_TIMEOUT(m_server->events.size() > before && m_server->quiet(), 10000);
        QCOMPARE(m_server->events.mid(before), (QStringList { QStringLiteral("open"), QStringLiteral("end 0") }));
    }

    // Allowed entries name the process that opened the connection, as
    // refusals do: TLS (python and curl) and plain TCP.
    void allowedConnectionsNameTheirProcess()
    {
        const qint64 before = newestLogId();
        QCOMPARE(probe(QStringLiteral("normal"), 443, kName, true), QByteArray("handshake tls tls.test GET /probe HTTP/1.0"));
        auto tls = logged([before](const EgressLogEntry &e) {
            return e.id > before && e.host == kName && e.verdict == EgressVerdict::Allowed
                && e.protocol == QStringLiteral("tls") && !e.open;
        });
        QVERIFY(tls);
        QVERIFY2(tls->process.startsWith(QStringLiteral("python3 (pid ")), qPrintable(tls->process));
        QCOMPARE(pythonAttack(m_fx, QStringLiteral("import socket\ns = socket.create_connection(('echo.test', 7), timeout=5)\n"
                                                    "s.sendall(b'hi\\n')\nprint(s.recv(8).decode().strip())"))
                     .out.trimmed(),
                 QByteArray("hi"));
        auto tcp = logged([](const EgressLogEntry &e) {
            return e.host == QStringLiteral("echo.test") && e.verdict == EgressVerdict::Allowed && e.protocol == QStringLiteral("tcp");
        });
        QVERIFY(tcp);
        QVERIFY2(tcp->process.startsWith(QStringLiteral("python3 (pid ")), qPrintable(tcp->process));
        ExecOutput curl = attack(m_fx, QStringLiteral("curl -sS -m 10 --http0.9 --cacert /tmp/ca.pem https://tls.test/named"));
        QVERIFY2(curl.out == "tls tls.test GET /named HTTP/1.1\n", (curl.out + curl.err).constData());
        auto byCurl = logged([before](const EgressLogEntry &e) {
            return e.id > before && e.host == kName && e.process.startsWith(QStringLiteral("curl (pid "));
        });
        QVERIFY(byCurl);
        QCOMPARE(byCurl->verdict, EgressVerdict::Allowed);
    }
};

QTEST_GUILESS_MAIN(TstHostileTlsPeek)
#include "tst_hostile_tls_peek.moc"
