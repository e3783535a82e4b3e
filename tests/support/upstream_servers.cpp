#include "upstream_servers.h"

#include "test_support.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>

namespace paddock::test {

namespace {

// Reads a request head, answers it, closes: enough for curl and urllib.
void serveOneRequest(QTcpSocket *s, const QByteArray &name, QByteArray *lastRequest)
{
    auto buffer = std::make_shared<QByteArray>();
    auto serve = [s, name, buffer, lastRequest] {
        *buffer += s->readAll();
        if (!buffer->contains("\r\n\r\n"))
            return;
        *lastRequest = *buffer;
        const QList<QByteArray> first = buffer->left(buffer->indexOf("\r\n")).split(' ');
        const QByteArray body = name + ' ' + first.value(0) + ' ' + first.value(1) + '\n';
        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: "
                 + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        s->disconnectFromHost();
    };
    QObject::connect(s, &QTcpSocket::readyRead, s, serve);
    QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
    // QSslServer hands a socket over after its handshake: the request may be in already.
    if (s->bytesAvailable() > 0)
        serve();
}

} // namespace

EchoServer::EchoServer()
{
    listen(QHostAddress::LocalHost);
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = nextPendingConnection()) {
            ++connections;
            // Line by line, closing after a newline: Qt does not keep a socket
            // half-open, so clients end with a line rather than a FIN.
            connect(s, &QTcpSocket::readyRead, s, [this, s] {
                const QByteArray data = s->readAll();
                bytesReceived += data.size();
                s->write(data);
                if (data.endsWith('\n'))
                    s->disconnectFromHost();
            });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    });
}

HttpServer::HttpServer(QByteArray name) : m_name(std::move(name))
{
    listen(QHostAddress::LocalHost);
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = nextPendingConnection()) {
            ++connections;
            serveOneRequest(s, m_name, &lastRequest);
        }
    });
}

ConnectProxy::ConnectProxy(quint16 upstreamPort) : m_upstreamPort(upstreamPort)
{
    listen(QHostAddress::LocalHost);
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *client = nextPendingConnection()) {
            auto head = std::make_shared<QByteArray>();
            auto *upstream = new QTcpSocket(client);
            connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
            connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
            connect(client, &QTcpSocket::readyRead, client, [this, client, upstream, head] {
                if (upstream->state() == QAbstractSocket::ConnectedState) {
                    upstream->write(client->readAll());
                    return;
                }
                *head += client->readAll();
                const qsizetype end = head->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                requests << head->left(end + 4);
                const QString target = QString::fromLatin1(head->split(' ').value(1));
                targets << target;
                if (!head->startsWith("CONNECT ") || refuse.contains(target)) {
                    client->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
                    client->disconnectFromHost();
                    return;
                }
                const QByteArray early = head->mid(end + 4);
                connect(upstream, &QTcpSocket::connected, client, [client, upstream, early] {
                    client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    upstream->write(early + client->readAll());
                });
                upstream->connectToHost(QHostAddress::LocalHost, m_upstreamPort);
            });
        }
    });
}

ExternalHttpServer::ExternalHttpServer()
{
    m_process.start(QStringLiteral("python3"), { QStringLiteral("-c"), QStringLiteral(
        "import http.server\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        body = ('http GET ' + self.path + '\\n').encode()\n"
        "        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers()\n"
        "        self.wfile.write(body)\n"
        "    def log_message(self, *a): pass\n"
        "s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
        "print(s.server_address[1], flush=True)\ns.serve_forever()") });
    if (m_process.waitForReadyRead(10000))
        m_port = quint16(m_process.readLine().trimmed().toUInt());
}

ExternalHttpServer::~ExternalHttpServer()
{
    m_process.kill();
    m_process.waitForFinished();
}

std::unique_ptr<TestCa> makeTestCa(const QStringList &hosts)
{
    auto ca = std::make_unique<TestCa>();
    const QString d = ca->dir.path();
    QStringList sans;
    for (const QString &h : hosts)
        sans << QStringLiteral("DNS:") + h;
    const QString script = QStringLiteral(
        "set -e; cd '%1'\n"
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj '/CN=Paddock Test CA' -days 2 2>/dev/null\n"
        "openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj '/CN=%2' 2>/dev/null\n"
        "printf 'subjectAltName=%3\\n' > ext\n"
        "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile ext 2>/dev/null\n")
                               .arg(d, hosts.value(0), sans.join(u','));
    QProcess p;
    p.start(QStringLiteral("bash"), { QStringLiteral("-c"), script });
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        ca->error = QStringLiteral("openssl failed: ") + QString::fromLocal8Bit(p.readAllStandardError());
        return ca;
    }
    ca->caFile = d + QStringLiteral("/ca.pem");
    QFile leaf(d + QStringLiteral("/leaf.pem")), key(d + QStringLiteral("/leaf.key"));
    if (!leaf.open(QIODevice::ReadOnly) || !key.open(QIODevice::ReadOnly)) {
        ca->error = QStringLiteral("openssl wrote no certificate");
        return ca;
    }
    ca->leaf = QSslCertificate(leaf.readAll());
    ca->key = QSslKey(key.readAll(), QSsl::Rsa);
    return ca;
}

HttpsServer::HttpsServer(const TestCa &ca)
{
    QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
    conf.setLocalCertificate(ca.leaf);
    conf.setPrivateKey(ca.key);
    conf.setPeerVerifyMode(QSslSocket::VerifyNone);
    setSslConfiguration(conf);
    listen(QHostAddress::LocalHost);
    // A QSslServer offers a connection once its handshake is done.
    connect(this, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket *s = nextPendingConnection()) {
            auto *tls = static_cast<QSslSocket *>(s);
            ++connections;
            static QByteArray ignored;
            serveOneRequest(tls, "https", &ignored);
        }
    });
}

HttpsEchoUpstream::~HttpsEchoUpstream()
{
    m_process.kill();
    m_process.waitForFinished(5000);
}

QString HttpsEchoUpstream::start(const QString &cert, const QString &key, const QString &gitRoot)
{
    return launch(QStringLiteral("python3"),
        { QStringLiteral(PADDOCK_TEST_HELPERS_DIR "/https_echo_server.py"), cert, key, gitRoot });
}

QString HttpsEchoUpstream::startHttp2(const QString &cert, const QString &key)
{
    return launch(QStringLiteral("node"), { QStringLiteral(PADDOCK_TEST_HELPERS_DIR "/h2_echo_server.js"), cert, key });
}

QString HttpsEchoUpstream::launch(const QString &program, const QStringList &args)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.start(program, args);
    QElapsedTimer waited;
    waited.start();
    while (!m_out.contains('\n') && waited.elapsed() < kWaitMs && m_process.state() != QProcess::NotRunning) {
        m_process.waitForReadyRead(200);
        m_out += m_process.readAllStandardOutput();
    }
    const QByteArray first = m_out.left(m_out.indexOf('\n'));
    if (!first.startsWith("port "))
        return QStringLiteral("the echo server did not start: ") + QString::fromUtf8(m_out + m_process.readAllStandardError());
    port = quint16(first.mid(5).toUInt());
    return {};
}

QByteArray HttpsEchoUpstream::reports()
{
    m_out += m_process.readAllStandardOutput();
    return m_out;
}

QJsonObject HttpsEchoUpstream::headersOf(const QByteArray &requestLine)
{
    const QList<QByteArray> lines = reports().split('\n');
    for (qsizetype i = lines.size() - 2; i >= 0; --i)
        if (lines[i] == requestLine) return QJsonDocument::fromJson(lines[i + 1]).object();
    return {};
}

} // namespace paddock::test
