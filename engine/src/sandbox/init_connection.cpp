#include "init_connection.h"

#include <QDeadlineTimer>
#include <QPointer>

#include <sys/socket.h>

#include <cerrno>

namespace paddock::sandbox {

namespace {

wire::Frame failedFrame(uint32_t tag, int error, const QString &message)
{
    wire::Frame f;
    f.type = uint8_t(wire::Type::Failed);
    f.tag = tag;
    wire::Writer w;
    wire::Failed { error, message.toStdString() }.encode(w);
    f.payload = w.buffer();
    return f;
}

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
    m_clock.start();
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &InitConnection::expireDeadlines);
    m_writeTimer.setSingleShot(true);
    connect(&m_writeTimer, &QTimer::timeout, this, [this] {
        failAll(QStringLiteral("%1 did not read what was sent to it within %2 s")
                    .arg(m_peerName)
                    .arg(m_writeDeadlineMs / 1000.0),
                ETIMEDOUT);
    });
    connect(m_socket.get(), &QLocalSocket::readyRead, this, &InitConnection::onReadyRead);
    connect(m_socket.get(), &QLocalSocket::bytesWritten, this, [this] {
        watchWrites(); // progress: the peer reads
        if (m_socket->bytesToWrite() == 0)
            Q_EMIT writeDrained();
    });
    connect(m_socket.get(), &QLocalSocket::disconnected, this,
            // Said to people (a terminal shows it): what happened, not which socket.
            [this] { failAll(QStringLiteral("the sandbox stopped, or its Paddock helper ended")); });
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
    if (!isOpen())
        return;
    const bool wasIdle = m_socket->bytesToWrite() == 0;
    m_socket->write(frame.data(), qint64(frame.size()));
    if (wasIdle)
        watchWrites();
}

// The write deadline runs while bytes wait for the peer, from the last
// moment it took some.
void InitConnection::watchWrites()
{
    if (m_writeDeadlineMs <= 0 || m_closed)
        return;
    if (m_socket->bytesToWrite() > 0)
        m_writeTimer.start(m_writeDeadlineMs);
    else
        m_writeTimer.stop();
}

void InitConnection::armDeadline(uint32_t tag)
{
    auto it = m_requests.find(tag);
    if (it == m_requests.end())
        return;
    Pending &p = it->second;
    const int ms = p.answered ? p.deadline.betweenAnswersMs : p.deadline.firstAnswerMs;
    p.dueMs = (ms > 0 && !p.held) ? m_clock.elapsed() + ms : -1;
    scheduleDeadlines();
}

void InitConnection::holdDeadline(uint32_t tag, bool held)
{
    auto it = m_requests.find(tag);
    if (it == m_requests.end() || it->second.held == held)
        return;
    it->second.held = held;
    armDeadline(tag);
}

void InitConnection::scheduleDeadlines()
{
    qint64 next = -1;
    for (const auto &[tag, p] : m_requests)
        if (p.dueMs >= 0 && (next < 0 || p.dueMs < next))
            next = p.dueMs;
    if (next < 0 || m_closed)
        return m_deadlineTimer.stop();
    m_deadlineTimer.start(int(std::max<qint64>(0, next - m_clock.elapsed())));
}

// Each overdue request hears that no answer is coming, naming what it
// asked; the connection stays: its owner decides (answerOverdue()).
void InitConnection::expireDeadlines()
{
    const qint64 now = m_clock.elapsed();
    struct Overdue {
        uint32_t tag;
        Handler handler;
        QString message;
    };
    std::vector<Overdue> overdue;
    for (auto it = m_requests.begin(); it != m_requests.end();) {
        const Pending &p = it->second;
        if (p.dueMs < 0 || p.dueMs > now) {
            ++it;
            continue;
        }
        const int ms = p.answered ? p.deadline.betweenAnswersMs : p.deadline.firstAnswerMs;
        // Bounded: `what` may quote a command line, and the message must fit a frame.
        const QString what = p.deadline.what.isEmpty() ? QStringLiteral("a request") : p.deadline.what.left(200);
        const QString message = QStringLiteral("%1 did not answer %2 within %3 s").arg(m_peerName, what).arg(ms / 1000.0);
        overdue.push_back({ it->first, p.handler, message });
        it = m_requests.erase(it);
    }
    scheduleDeadlines();
    if (overdue.empty())
        return;
    QPointer<InitConnection> self(this);
    for (Overdue &o : overdue)
        o.handler(failedFrame(o.tag, ETIMEDOUT, o.message));
    if (self)
        Q_EMIT answerOverdue();
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
    auto it = m_requests.find(f.tag);
    if (it == m_requests.end())
        return true; // the answer to a request already given up on
    it->second.answered = true;
    Handler handler = it->second.handler; // the handler may issue requests that rehash the map
    if (handler(f))
        m_requests.erase(f.tag);
    else
        armDeadline(f.tag);
    return true;
}

void InitConnection::failAll(const QString &reason, int error)
{
    if (m_closed)
        return;
    m_closed = true;
    m_deadlineTimer.stop();
    m_writeTimer.stop();
    // Every pending request learns that no answer will come.
    auto requests = std::move(m_requests);
    m_requests.clear();
    for (auto &[tag, p] : requests)
        p.handler(failedFrame(tag, error, reason));
    m_socket->abort();
    Q_EMIT closed(reason);
}

} // namespace paddock::sandbox
