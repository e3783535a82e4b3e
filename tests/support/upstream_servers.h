// Local upstream servers for egress tests, on 127.0.0.1 with a port the
// kernel picks: a TCP echo, a plain HTTP server and an HTTPS server whose
// certificate comes from a throwaway test CA. Each counts its connections,
// so a test can prove that a refused connection never reached it.
#pragma once

#include <QJsonObject>
#include <QProcess>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslServer>
#include <QTcpServer>
#include <QTemporaryDir>

namespace paddock::test {

// Echoes what it reads; closes once what it read ends a line.
class EchoServer : public QTcpServer {
public:
    EchoServer();
    int connections = 0;
    qint64 bytesReceived = 0;
};

// Answers every request "200 <name> <method> <target>" and closes.
class HttpServer : public QTcpServer {
public:
    explicit HttpServer(QByteArray name = "http");
    int connections = 0;
    QByteArray lastRequest;

private:
    QByteArray m_name;
};

// A forward proxy that speaks CONNECT: it records each target and tunnels
// to `upstreamPort` on 127.0.0.1 whatever the target, or answers 403 for a
// target in `refuse`.
class ConnectProxy : public QTcpServer {
public:
    explicit ConnectProxy(quint16 upstreamPort);
    QStringList targets; // "host:port" of each CONNECT
    QStringList refuse;
    QList<QByteArray> requests; // whole CONNECT requests, as received

private:
    quint16 m_upstreamPort;
};

// The same answers as HttpServer, from a process of its own: for tests that
// block their event loop (waiting on the CLI) while the sandbox connects.
class ExternalHttpServer {
public:
    ExternalHttpServer();
    ~ExternalHttpServer();
    quint16 serverPort() const { return m_port; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

// A CA and a leaf certificate for `hosts`, made with the openssl tool.
struct TestCa {
    QTemporaryDir dir;
    QString caFile; // PEM, for clients to trust
    QSslCertificate leaf;
    QSslKey key;
    QString error; // set when the CA could not be made
};
std::unique_ptr<TestCa> makeTestCa(const QStringList &hosts);

class HttpsServer : public QSslServer {
public:
    explicit HttpsServer(const TestCa &ca);
    int connections = 0; // completed TLS handshakes
};

// tests/helpers/https_echo_server.py, running as its own process: an
// HTTPS upstream that reports every request it receives ("request METHOD
// PATH", then its headers as JSON) and echoes /echo… requests back.
class HttpsEchoUpstream {
public:
    ~HttpsEchoUpstream();
    // Empty when it runs; else why not.
    QString start(const QString &cert, const QString &key, const QString &gitRoot);
    // tests/helpers/h2_echo_server.js instead: h2 and HTTP/1.1 by ALPN, the
    // same reports (headers with ":version"), and "session" per connection.
    QString startHttp2(const QString &cert, const QString &key);
    // What it reported so far.
    QByteArray reports();
    // The headers of the last request with that line, as the upstream received them.
    QJsonObject headersOf(const QByteArray &requestLine);
    quint16 port = 0;

private:
    QString launch(const QString &program, const QStringList &args);
    QProcess m_process;
    QByteArray m_out;
};

} // namespace paddock::test
