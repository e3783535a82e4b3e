#include "dns_responder.h"

#include "egress_limits.h"

#include <QStringList>

#include <netinet/in.h>
#include <sys/socket.h>

namespace paddock::egress {

namespace {

constexpr uint32_t kTtlSeconds = limits::kDnsTtlSeconds;
constexpr int kMaxQueriesPerWakeup = 64; // then let the event loop breathe
constexpr uint32_t kLoopback = 0x7f000001;

bool isLocalhost(const std::string &name) { return name == "localhost" || name.ends_with(".localhost"); }

// "5.0.18.198.in-addr.arpa" → 198.18.0.5
std::optional<uint32_t> reverseAddress(const std::string &name)
{
    constexpr std::string_view kSuffix = ".in-addr.arpa";
    if (!name.ends_with(kSuffix))
        return std::nullopt;
    const QStringList parts = QString::fromStdString(name.substr(0, name.size() - kSuffix.size())).split(u'.');
    if (parts.size() != 4)
        return std::nullopt;
    uint32_t addr = 0;
    for (int i = 3; i >= 0; --i) {
        bool ok = false;
        uint octet = parts[i].toUInt(&ok);
        if (!ok || octet > 255)
            return std::nullopt;
        addr = addr << 8 | octet;
    }
    return addr;
}

} // namespace

DnsResponder::DnsResponder(UniqueFd socket, bool redirected, FakeIpPool &pool, TokenBucket &rate, QObject *parent)
    : QObject(parent), m_socket(std::move(socket)), m_redirected(redirected), m_pool(pool), m_rate(rate)
{
    m_notifier = std::make_unique<QSocketNotifier>(m_socket.get(), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &DnsResponder::readQueries);
}

std::string DnsResponder::answer(const DnsQuery &q)
{
    if (q.qclass != 1 || q.name.empty())
        return dnsEmptyAnswer(q, DnsRcode::NoError);
    if (q.type == uint16_t(DnsType::A)) {
        if (isLocalhost(q.name))
            return dnsAddressAnswer(q, kLoopback, kTtlSeconds);
        const QString name = QString::fromStdString(q.name);
        const std::optional<uint32_t> addr = m_pool.addressFor(name);
        if (!addr) {
            Q_EMIT poolFull(name);
            return dnsEmptyAnswer(q, DnsRcode::ServFail);
        }
        Q_EMIT nameAnswered(FakeIpPool::slotOf(*addr), name);
        return dnsAddressAnswer(q, *addr, kTtlSeconds);
    }
    if (q.type == uint16_t(DnsType::PTR)) {
        if (auto addr = reverseAddress(q.name))
            if (auto name = m_pool.nameAt(*addr))
                return dnsPointerAnswer(q, name->toStdString(), kTtlSeconds);
        return dnsEmptyAnswer(q, DnsRcode::NxDomain);
    }
    return dnsEmptyAnswer(q, DnsRcode::NoError); // AAAA and the rest: nothing
}

void DnsResponder::readQueries()
{
    for (int i = 0; i < kMaxQueriesPerWakeup; ++i) {
        char buf[4096];
        sockaddr_storage from {};
        socklen_t fromLen = sizeof from;
        ssize_t n = ::recvfrom(m_socket.get(), buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr *>(&from), &fromLen);
        if (n < 0)
            return;
        const std::string out = reply(parseDnsQuery(std::string_view(buf, size_t(n))));
        if (!out.empty())
            (void)::sendto(m_socket.get(), out.data(), out.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                           reinterpret_cast<sockaddr *>(&from), fromLen);
    }
}

std::string DnsResponder::reply(const DnsParse &parsed)
{
    if (parsed.status == DnsParse::Status::Drop)
        return {};
    // Before anything that costs more or is logged: over its rate, every
    // query of the sandbox (malformed ones too) is refused and only counted.
    if (!m_rate.take(FakeIpPool::steadyMs())) {
        Q_EMIT overRate();
        return dnsEmptyAnswer(parsed.query, DnsRcode::Refused);
    }
    if (parsed.status == DnsParse::Status::Malformed) {
        Q_EMIT noteworthy(QString(), true, QStringLiteral("malformed DNS query refused: %1")
                                               .arg(QString::fromStdString(parsed.problem)));
        return dnsEmptyAnswer(parsed.query, parsed.rcode);
    }
    if (m_redirected)
        Q_EMIT noteworthy(QString::fromStdString(parsed.query.name), false,
                          QStringLiteral("DNS query sent to an outside resolver; answered by Paddock's DNS"));
    return answer(parsed.query);
}

} // namespace paddock::egress
