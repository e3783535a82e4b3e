#include "init_connection.h"

#include <QDeadlineTimer>

#include <sys/socket.h>

#include <cerrno>

namespace paddock::sandbox {

namespace {

Result<void> awaitHello(QLocalSocket &socket, wire::FrameParser &parser, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    wire::Frame f;
    for (;;) {
        auto status = parser.next(f);
        if (status == wire::FrameParser::Status::Ready) {
            wire::Hello hello;
            if (f.type != uint8_t(wire::Type::Hello) || !wire::decodeMessage(f, hello))
                return fail(ErrorCode::Protocol, QStringLiteral("paddock-init did not greet"));
            if (hello.version != wire::kProtocolVersion)
                return fail(ErrorCode::Protocol,
                            QStringLiteral("paddock-init speaks protocol %1, this engine %2: "
                                           "restart the sandbox")
                                .arg(hello.version)
                                .arg(wire::kProtocolVersion));
            return {};
        }
        if (status == wire::FrameParser::Status::Invalid)
            return fail(ErrorCode::Protocol, QStringLiteral("invalid frame from paddock-init"));
        if (deadline.hasExpired() || !socket.waitForReadyRead(int(deadline.remainingTime())))
            return fail(ErrorCode::Timeout, QStringLiteral("paddock-init did not answer"));
        QByteArray data = socket.readAll();
        parser.append(data.constData(), size_t(data.size()));
    }
}

} // namespace

Result<std::unique_ptr<InitConnection>> InitConnection::connectTo(const QString &socketPath,
                                                                   int timeoutMs, const char *role)
{
    auto socket = std::make_unique<QLocalSocket>();
    socket->connectToServer(socketPath);
    if (!socket->waitForConnected(timeoutMs))
        return fail(ErrorCode::NotRunning,
                    QStringLiteral("cannot reach paddock-init at %1: %2").arg(socketPath, socket->errorString()));
    std::string hello = wire::encodeMessage(wire::Type::Hello, 0, wire::Hello { wire::kProtocolVersion, role });
    socket->write(hello.data(), qint64(hello.size()));
    wire::FrameParser parser;
    if (auto r = awaitHello(*socket, parser, timeoutMs); !r)
        return tl::unexpected(r.error());
    std::unique_ptr<InitConnection> conn(new InitConnection(std::move(socket)));
    conn->m_parser = std::move(parser); // frames that followed Hello are kept
    conn->onReadyRead();
    return conn;
}

InitConnection::InitConnection(std::unique_ptr<QLocalSocket> socket) : m_socket(std::move(socket))
{
    connect(m_socket.get(), &QLocalSocket::readyRead, this, &InitConnection::onReadyRead);
    connect(m_socket.get(), &QLocalSocket::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() == 0)
            Q_EMIT writeDrained();
    });
    connect(m_socket.get(), &QLocalSocket::disconnected, this,
            [this] { failAll(QStringLiteral("paddock-init closed the connection")); });
}

InitConnection::~InitConnection()
{
    // Going away is not the peer closing: no handler or signal runs now.
    m_closed = true;
    m_socket->disconnect(this);
    m_socket->abort();
}

qint64 InitConnection::peerPid() const
{
    ucred cred {};
    socklen_t len = sizeof cred;
    if (::getsockopt(int(m_socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return 0;
    return cred.pid;
}

bool InitConnection::peerHungUp() const
{
    char byte;
    ssize_t n = ::recv(int(m_socket->socketDescriptor()), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

void InitConnection::close()
{
    failAll(QStringLiteral("connection closed by the engine"));
}

void InitConnection::write(const std::string &frame)
{
    if (isOpen())
        m_socket->write(frame.data(), qint64(frame.size()));
}

void InitConnection::pauseReading(bool paused)
{
    m_readPaused = paused;
    if (!paused)
        QMetaObject::invokeMethod(this, &InitConnection::onReadyRead, Qt::QueuedConnection);
}

void InitConnection::onReadyRead()
{
    if (m_readPaused)
        return;
    QByteArray data = m_socket->readAll();
    m_parser.append(data.constData(), size_t(data.size()));
    wire::Frame f;
    for (;;) {
        auto status = m_parser.next(f);
        if (status == wire::FrameParser::Status::NeedMore)
            return;
        if (status == wire::FrameParser::Status::Invalid || !dispatch(f)) {
            failAll(QStringLiteral("protocol violation by paddock-init"));
            return;
        }
    }
}

// Returns false on a frame that cannot be valid.
bool InitConnection::dispatch(const wire::Frame &f)
{
    if (f.tag == 0) {
        wire::Exited exited;
        if (f.type != uint8_t(wire::Type::Exited) || !wire::decodeMessage(f, exited)
            || !wire::isValidProcId(exited.procId))
            return false;
        Q_EMIT backgroundExited(QString::fromStdString(exited.procId),
                                ExitStatus { exited.exitCode, exited.signal });
        return true;
    }
    auto it = m_handlers.find(f.tag);
    if (it == m_handlers.end())
        return true; // the answer to a request already given up on
    Handler handler = it->second; // the handler may issue requests that rehash the map
    if (handler(f))
        m_handlers.erase(f.tag);
    return true;
}

void InitConnection::failAll(const QString &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    // Every pending request learns that no answer will come.
    wire::Frame gone;
    gone.type = uint8_t(wire::Type::Failed);
    wire::Writer w;
    wire::Failed { ECONNRESET, reason.toStdString() }.encode(w);
    gone.payload = w.buffer();
    auto handlers = std::move(m_handlers);
    m_handlers.clear();
    for (auto &[tag, handler] : handlers) {
        gone.tag = tag;
        handler(gone);
    }
    m_socket->abort();
    Q_EMIT closed(reason);
}

} // namespace paddock::sandbox
