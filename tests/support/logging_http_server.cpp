#include "logging_http_server.h"

#include <QTcpSocket>

#include <memory>

namespace paddock::test {

namespace {

struct Head {
    QByteArray method, target;
    QMap<QByteArray, QByteArray> fields; // lower-case names; repeated ones joined with ", "
};

Head parseHead(const QByteArray &head)
{
    Head h;
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    h.method = first.value(0);
    h.target = first.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon <= 0) continue;
        const QByteArray name = lines[i].left(colon).trimmed().toLower();
        const QByteArray value = lines[i].mid(colon + 1).trimmed();
        h.fields[name] = h.fields.contains(name) ? h.fields[name] + ", " + value : value;
    }
    return h;
}

// The body's length in `rest` as this server reads it; -1: not all there yet.
qsizetype bodyLength(const Head &h, const QByteArray &rest)
{
    if (h.method == "GET" || h.method == "HEAD" || h.method == "CONNECT")
        return 0; // bodies of these are ignored: the bytes are read as the next request
    if (h.fields.value("transfer-encoding").toLower().contains("chunked")) {
        qsizetype at = 0;
        for (;;) {
            const qsizetype eol = rest.indexOf("\r\n", at);
            if (eol < 0) return -1;
            bool ok = false;
            const qsizetype size
                = rest.mid(at, eol - at).split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok) return 0;
            at = eol + 2 + size + 2;
            if (at > rest.size()) return -1;
            if (size == 0) return at;
        }
    }
    const qsizetype length = h.fields.value("content-length").toLongLong();
    return rest.size() >= length ? length : -1;
}

struct Connection {
    QByteArray buffer;
    bool echo = false; // switched protocols: echoes what it reads
    bool closing = false;
};

} // namespace

LoggingHttpServer::LoggingHttpServer()
{
    listen(QHostAddress::LocalHost);
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = nextPendingConnection()) {
            ++connections;
            auto c = std::make_shared<Connection>();
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            connect(s, &QTcpSocket::readyRead, s, [this, s, c] {
                c->buffer += s->readAll();
                while (!c->closing) {
                    if (c->echo) {
                        s->write(c->buffer);
                        c->buffer.clear();
                        return;
                    }
                    while (c->buffer.startsWith("\r\n"))
                        c->buffer.remove(0, 2);
                    const qsizetype end = c->buffer.indexOf("\r\n\r\n");
                    if (end < 0) return;
                    const QByteArray raw = c->buffer.left(end + 4);
                    const Head h = parseHead(raw);
                    const qsizetype body = bodyLength(h, c->buffer.mid(end + 4));
                    if (body < 0) return;
                    c->buffer.remove(0, end + 4 + body);
                    requests << QString::fromLatin1(h.method + ' ' + h.target);
                    heads << raw;
                    const bool close = h.fields.value("connection").toLower().contains("close");
                    if (h.method == "CONNECT") {
                        s->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    } else if ((h.fields.contains("upgrade") && !h.target.contains("no-upgrade"))
                        || h.target.contains("sneaky-101")) {
                        s->write(
                            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "
                            + h.fields.value("upgrade", "websocket") + "\r\n\r\n");
                        c->echo = true;
                    } else {
                        const QByteArray text = "logged " + h.method + ' ' + h.target + '\n';
                        s->write(
                            "HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(text.size())
                            + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n"
                            + (h.method == "HEAD" ? QByteArray() : text));
                    }
                    if (close) {
                        c->closing = true;
                        s->disconnectFromHost();
                    }
                }
            });
        }
    });
}

bool LoggingHttpServer::parsed(const QString &text) const
{
    return std::any_of(
        requests.begin(), requests.end(), [&](const QString &r) { return r.contains(text); });
}

} // namespace paddock::test
