#include "http_connection.h"

#include <QJsonDocument>

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

#include <limits>
#include <sstream>

namespace http = boost::beast::http;

namespace paddock::api {

namespace {

constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::uint64_t kBodyLimit = 8 * 1024 * 1024;
// A file's content (PUT …/files/content) is not parsed into memory: it is
// streamed to the sandbox as it arrives, so only its header goes through
// the parser. Beast checks a Content-Length against the limit while it
// parses the header, so the parser starts without one and requests that
// are not uploads are held to kBodyLimit once their header is known.
constexpr std::uint64_t kNoBodyLimit = std::numeric_limits<std::uint64_t>::max();
// What Qt may buffer from a client that uploads faster than the sandbox writes.
constexpr qint64 kUploadReadBuffer = 1024 * 1024;

bool isFileUpload(const http::request_parser<http::string_body> &parser)
{
    const auto &req = parser.get();
    if (req.method() != http::verb::put)
        return false;
    boost::beast::string_view path = req.target().substr(0, req.target().find('?'));
    return path.ends_with("/files/content");
}
// What an upgraded connection may send without a newline, and what may
// arrive before the upgrade is decided.
constexpr qsizetype kMaxLine = 1024 * 1024;

template<typename Message>
QByteArray serialize(const Message &m)
{
    std::ostringstream os;
    os << m;
    return QByteArray::fromStdString(os.str());
}

} // namespace

struct HttpConnection::Parser {
    http::request_parser<http::string_body> p;
};

HttpConnection::HttpConnection(QLocalSocket *socket, QObject *parent)
    : QObject(parent), m_parser(std::make_unique<Parser>()), m_socket(socket)
{
    socket->setParent(this);
    m_parser->p.eager(false); // stop after the header: the body limit depends on the route
    m_parser->p.header_limit(kHeaderLimit);
    m_parser->p.body_limit(kNoBodyLimit);
    connect(socket, &QLocalSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QLocalSocket::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() == 0)
            Q_EMIT drained();
    });
    connect(socket, &QLocalSocket::disconnected, this, [this] {
        Q_EMIT closed();
        deleteLater();
    });
}

HttpConnection::~HttpConnection() = default;

bool HttpConnection::isOpen() const
{
    return !m_finished && m_socket->state() == QLocalSocket::ConnectedState;
}

qint64 HttpConnection::pendingBytes() const { return m_socket->bytesToWrite(); }

void HttpConnection::onReadyRead()
{
    if (m_bodyLeft >= 0)
        return deliverBody();
    if (m_bodyLeft == -2)
        return; // after a streamed body: nothing more is expected
    m_buffer += m_socket->readAll();
    if (m_upgraded)
        return splitLines();
    if (!m_requestSeen)
        return parseRequest();
    // One request per connection: what follows is kept only for an upgrade.
    if (m_buffer.size() > kMaxLine)
        m_buffer.clear();
}

void HttpConnection::splitLines()
{
    qsizetype nl;
    while (m_upgraded && (nl = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        Q_EMIT lineReceived(line);
    }
    if (m_buffer.size() > kMaxLine) {
        m_buffer.clear();
        close(); // a peer that never ends a line is not speaking the protocol
    }
}

void HttpConnection::parseRequest()
{
    auto &parser = m_parser->p;
    while (!parser.is_done() && !m_buffer.isEmpty()) {
        boost::beast::error_code ec;
        size_t used = parser.put(boost::asio::buffer(m_buffer.constData(), size_t(m_buffer.size())), ec);
        m_buffer.remove(0, qsizetype(used));
        if (ec == http::error::need_more)
            return;
        if (!ec && parser.is_header_done() && !m_bodyLimitChosen) {
            m_bodyLimitChosen = true;
            parser.eager(true);
            auto length = parser.content_length();
            if (isFileUpload(parser) && length)
                return startStreamedBody();
            if (isFileUpload(parser))
                ec = http::error::bad_content_length; // an upload says how long it is
            else if (length && *length > kBodyLimit)
                ec = http::error::body_limit;
            else
                parser.body_limit(kBodyLimit); // a chunked body is counted as it comes
        }
        if (ec) {
            m_requestSeen = true;
            respondJson(400, QJsonObject { { QStringLiteral("error"),
                                             QJsonObject { { QStringLiteral("code"), QStringLiteral("invalid_argument") },
                                                           { QStringLiteral("message"),
                                                             QStringLiteral("malformed HTTP request: %1")
                                                                 .arg(QString::fromStdString(ec.message())) } } } });
            return;
        }
    }
    if (!parser.is_done())
        return;
    m_requestSeen = true;
    const auto &msg = parser.get();
    QUrl url(QString::fromStdString(std::string(msg.target())));
    HttpRequest req { QByteArray::fromStdString(std::string(msg.method_string())), url.path(QUrl::FullyEncoded),
                      QUrlQuery(url), QByteArray::fromStdString(msg.body()), {} };
    if (parser.upgrade())
        req.upgrade = QByteArray::fromStdString(std::string(msg[http::field::upgrade]));
    Q_EMIT requestReady(req);
}

void HttpConnection::startStreamedBody()
{
    auto &parser = m_parser->p;
    m_requestSeen = true;
    m_bodyLeft = qint64(*parser.content_length());
    m_socket->setReadBufferSize(kUploadReadBuffer);
    const auto &msg = parser.get();
    QUrl url(QString::fromStdString(std::string(msg.target())));
    HttpRequest req { QByteArray::fromStdString(std::string(msg.method_string())), url.path(QUrl::FullyEncoded), QUrlQuery(url), {}, {} };
    req.streamedBodyLength = m_bodyLeft;
    Q_EMIT requestReady(req);
    deliverBody(); // whatever came with the header
}

void HttpConnection::deliverBody()
{
    while (!m_bodyPaused && m_bodyLeft > 0 && isOpen()) {
        if (m_buffer.isEmpty())
            m_buffer = m_socket->read(kUploadReadBuffer);
        if (m_buffer.isEmpty())
            return; // more later: readyRead
        QByteArray piece = m_buffer.left(m_bodyLeft);
        m_buffer.remove(0, piece.size());
        m_bodyLeft -= piece.size();
        Q_EMIT bodyData(piece);
    }
    if (m_bodyLeft == 0) {
        m_bodyLeft = -2; // finished; nothing more is read
        Q_EMIT bodyFinished();
    }
}

void HttpConnection::pauseBody(bool paused)
{
    m_bodyPaused = paused;
    if (!paused && m_bodyLeft >= 0)
        QMetaObject::invokeMethod(this, &HttpConnection::deliverBody, Qt::QueuedConnection);
}

void HttpConnection::respondJson(int status, const QJsonObject &body)
{
    if (!isOpen() || m_streaming)
        return;
    http::response<http::string_body> res { http::status(status), 11 };
    res.set(http::field::content_type, "application/json");
    res.set(http::field::connection, "close");
    res.body() = QJsonDocument(body).toJson(QJsonDocument::Compact).append('\n').toStdString();
    res.prepare_payload();
    m_socket->write(serialize(res));
    finish();
}

void HttpConnection::upgrade(const QByteArray &protocol)
{
    if (!isOpen() || m_streaming)
        return;
    http::response<http::empty_body> res { http::status::switching_protocols, 11 };
    res.set(http::field::connection, "Upgrade");
    res.set(http::field::upgrade, protocol.toStdString());
    m_socket->write(serialize(res.base()));
    m_streaming = m_upgraded = true;
    splitLines(); // input the client sent right behind its request
}

void HttpConnection::writeLine(const QByteArray &line)
{
    if (isOpen() && m_upgraded)
        m_socket->write(line.endsWith('\n') ? line : line + '\n');
}

void HttpConnection::close()
{
    if (isOpen())
        finish();
}

void HttpConnection::beginStream(int status, const QByteArray &contentType)
{
    if (!isOpen())
        return;
    http::response<http::empty_body> res { http::status(status), 11 };
    res.set(http::field::content_type, contentType.toStdString());
    res.set(http::field::connection, "close");
    res.chunked(true);
    m_socket->write(serialize(res.base()));
    m_streaming = true;
}

void HttpConnection::writeChunk(const QByteArray &data)
{
    if (!isOpen() || data.isEmpty())
        return;
    auto chunk = http::make_chunk(boost::asio::const_buffer(data.constData(), size_t(data.size())));
    m_socket->write(QByteArray::fromStdString(boost::beast::buffers_to_string(chunk)));
}

void HttpConnection::endStream()
{
    if (!isOpen())
        return;
    m_socket->write(QByteArray::fromStdString(boost::beast::buffers_to_string(http::make_chunk_last())));
    finish();
}

void HttpConnection::finish()
{
    m_finished = true;
    m_socket->disconnectFromServer(); // after the written bytes are flushed
}

} // namespace paddock::api
