#include "upstream_dialer.h"

#include "address_policy.h"
#include "rule_matcher.h"
#include "socket_tuning.h"

#include <boost/beast/http.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstring>
#include <sstream>

namespace http = boost::beast::http;

namespace paddock::egress {

namespace {

constexpr int kDialTimeoutMs = 15000;
constexpr size_t kMaxProxyAnswer = 16 * 1024;

QString errnoText(int err) { return QString::fromLocal8Bit(std::strerror(err)); }

QString endpoint(const QHostAddress &a, quint16 port)
{
    const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
    return host + u':' + QString::number(port);
}

} // namespace

UpstreamDial::UpstreamDial(UpstreamPlan plan, Done done, QObject *parent)
    : QObject(parent), m_plan(std::move(plan)), m_done(std::move(done))
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        finish(fail(ErrorCode::Timeout, m_lastError.isEmpty()
                                            ? QStringLiteral("upstream did not answer within %1 s").arg(kDialTimeoutMs / 1000)
                                            : m_lastError));
    });
}

UpstreamDial::~UpstreamDial()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
}

void UpstreamDial::start()
{
    m_deadline.start(kDialTimeoutMs);
    const Destination &d = m_plan.dest;
    if (m_plan.hostOverride) {
        m_candidates = { QHostAddress(m_plan.hostOverride->address) };
        m_port = m_plan.hostOverride->port ? m_plan.hostOverride->port : d.port;
        return connectNext();
    }
    if (d.host.isEmpty()) {
        QHostInfo info;
        info.setAddresses({ d.address });
        m_port = d.port;
        return onResolved(info, true);
    }
    if (m_plan.proxy) {
        m_port = m_plan.proxy->port;
        QHostAddress literal(m_plan.proxy->host);
        if (!literal.isNull()) {
            m_candidates = { literal };
            return connectNext();
        }
        m_lookupId = QHostInfo::lookupHost(m_plan.proxy->host, this,
                                           [this](const QHostInfo &info) { onResolved(info, false); });
        return;
    }
    m_port = d.port;
    m_lookupId = QHostInfo::lookupHost(d.host, this, [this](const QHostInfo &info) { onResolved(info, true); });
}

void UpstreamDial::onResolved(const QHostInfo &info, bool checkAddresses)
{
    m_lookupId = -1;
    const QString what = checkAddresses ? m_plan.dest.host : QStringLiteral("proxy ") + m_plan.proxy->host;
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
        return finish(fail(ErrorCode::Io, QStringLiteral("cannot resolve %1 on this machine: %2").arg(what, info.errorString())));
    QStringList refusedWhy;
    for (const QHostAddress &a : info.addresses()) {
        std::optional<QString> why = checkAddresses ? nonPublicReason(a) : std::nullopt;
        if (why && !rulesNameAddress(m_plan.rules, a, m_port)) {
            refusedWhy << QStringLiteral("%1 (%2)").arg(a.toString(), *why);
            continue;
        }
        m_candidates.append(a);
    }
    if (m_candidates.isEmpty()) {
        const QString subject = m_plan.dest.host.isEmpty() ? QStringLiteral("the address") : m_plan.dest.host + QStringLiteral(" resolves to");
        return refuse(QStringLiteral("%1 %2, which is not a public address: refused (DNS-rebinding protection); "
                                     "an allow rule naming that address (and port) or a host override permits it")
                          .arg(subject, refusedWhy.join(QStringLiteral(", "))));
    }
    connectNext();
}

void UpstreamDial::connectNext()
{
    m_notifier.reset();
    m_fd.reset();
    if (m_candidates.isEmpty())
        return finish(fail(ErrorCode::Io, m_lastError.isEmpty() ? QStringLiteral("no address to connect to") : m_lastError));
    m_connectedTo = m_candidates.takeFirst();
    const bool v6 = m_connectedTo.protocol() == QAbstractSocket::IPv6Protocol;
    m_fd.reset(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!m_fd.valid())
        return refuse(QStringLiteral("cannot create a socket: %1").arg(errnoText(errno)));
    tuneRelaySocket(m_fd.get());
    if (m_connectedTo.isLoopback())
        preferUnpacedTcp(m_fd.get());
    sockaddr_storage ss {};
    socklen_t len;
    if (v6) {
        auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(m_port);
        Q_IPV6ADDR raw = m_connectedTo.toIPv6Address();
        std::memcpy(&a->sin6_addr, &raw, 16);
        len = sizeof *a;
    } else {
        auto *a = reinterpret_cast<sockaddr_in *>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(m_port);
        a->sin_addr.s_addr = htonl(m_connectedTo.toIPv4Address());
        len = sizeof *a;
    }
    if (::connect(m_fd.get(), reinterpret_cast<sockaddr *>(&ss), len) != 0 && errno != EINPROGRESS) {
        m_lastError = QStringLiteral("cannot connect to %1: %2").arg(endpoint(m_connectedTo, m_port), errnoText(errno));
        return connectNext();
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_fd.get(), QSocketNotifier::Write);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &UpstreamDial::onConnectReady);
}

void UpstreamDial::onConnectReady()
{
    m_notifier.reset();
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(m_fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        m_lastError = QStringLiteral("cannot connect to %1: %2").arg(endpoint(m_connectedTo, m_port), errnoText(err));
        return connectNext();
    }
    if (m_plan.proxy && !m_plan.hostOverride && !m_plan.dest.host.isEmpty())
        return sendConnectRequest();
    finish(Upstream { std::move(m_fd), endpoint(m_connectedTo, m_port) });
}

void UpstreamDial::sendConnectRequest()
{
    const std::string target = m_plan.dest.host.toStdString() + ':' + std::to_string(m_plan.dest.port);
    http::request<http::empty_body> req(http::verb::connect, target, 11);
    req.set(http::field::host, target);
    if (!m_plan.proxy->authorization.isEmpty())
        req.set(http::field::proxy_authorization, m_plan.proxy->authorization.toStdString());
    std::ostringstream os;
    os << req;
    const std::string bytes = os.str();
    // A fresh socket's send buffer takes a request this small whole.
    if (::send(m_fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL) != ssize_t(bytes.size()))
        return finish(fail(ErrorCode::Io, QStringLiteral("proxy %1 closed the connection").arg(endpoint(m_connectedTo, m_port))));
    m_notifier = std::make_unique<QSocketNotifier>(m_fd.get(), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &UpstreamDial::onProxyAnswer);
}

// Peeks until the answer's header is whole, then takes exactly that much:
// what follows belongs to the tunnel.
void UpstreamDial::onProxyAnswer()
{
    char buf[kMaxProxyAnswer];
    ssize_t n = ::recv(m_fd.get(), buf, sizeof buf, MSG_PEEK);
    const QString proxy = endpoint(m_connectedTo, m_port);
    if (n <= 0)
        return n < 0 && errno == EAGAIN ? void() : refuse(QStringLiteral("proxy %1 closed the connection").arg(proxy));
    std::string_view seen(buf, size_t(n));
    size_t end = seen.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (size_t(n) == sizeof buf)
            refuse(QStringLiteral("proxy %1 sent an oversized answer").arg(proxy));
        return;
    }
    const size_t headerSize = end + 4;
    (void)!::recv(m_fd.get(), buf, headerSize, 0);
    http::response_parser<http::empty_body> parser;
    parser.skip(true); // a CONNECT answer has no body
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(buf, headerSize), ec);
    if (ec || !parser.is_header_done())
        return refuse(QStringLiteral("proxy %1 sent an answer that is not HTTP").arg(proxy));
    const unsigned status = parser.get().result_int();
    if (status / 100 != 2)
        return refuse(QStringLiteral("proxy %1 refused CONNECT %2:%3 with %4 %5")
                          .arg(proxy, m_plan.dest.host)
                          .arg(m_plan.dest.port)
                          .arg(status)
                          .arg(QString::fromStdString(std::string(parser.get().reason()))));
    m_notifier.reset();
    finish(Upstream { std::move(m_fd), QStringLiteral("via proxy %1").arg(proxy) });
}

void UpstreamDial::refuse(const QString &why) { finish(fail(ErrorCode::PermissionDenied, why)); }

void UpstreamDial::finish(Result<Upstream> r)
{
    m_deadline.stop();
    m_notifier.reset();
    if (!m_done)
        return;
    Done done = std::move(m_done);
    m_done = nullptr;
    done(std::move(r));
}

} // namespace paddock::egress
