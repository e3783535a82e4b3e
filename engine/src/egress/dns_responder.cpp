#include "dns_responder.h"

#include <QStringList>

#include <netinet/in.h>
#include <sys/socket.h>

namespace paddock::egress {

namespace {

constexpr uint32_t kTtlSeconds = 60;
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

DnsResponder::DnsResponder(UniqueFd socket, bool redirected, FakeIpPool &pool, QObject *parent)
    : QObject(parent), m_socket(std::move(socket)), m_redirected(redirected), m_pool(pool)
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
        bool isNew = false;
        uint32_t addr = m_pool.addressFor(name, &isNew);
        if (isNew)
            Q_EMIT nameAssigned(FakeIpPool::slotOf(addr), name);
        return dnsAddressAnswer(q, addr, kTtlSeconds);
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
        const DnsParse parsed = parseDnsQuery(std::string_view(buf, size_t(n)));
        std::string reply;
        if (parsed.status == DnsParse::Status::Query) {
            reply = answer(parsed.query);
            if (m_redirected)
                Q_EMIT noteworthy(QString::fromStdString(parsed.query.name), false,
                                  QStringLiteral("DNS query sent to an outside resolver; answered by Paddock's DNS"));
        } else if (parsed.status == DnsParse::Status::Malformed) {
            reply = dnsEmptyAnswer(parsed.query, parsed.rcode);
            Q_EMIT noteworthy(QString(), true, QStringLiteral("malformed DNS query refused: %1")
                                                   .arg(QString::fromStdString(parsed.problem)));
        }
        if (!reply.empty())
            (void)::sendto(m_socket.get(), reply.data(), reply.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                           reinterpret_cast<sockaddr *>(&from), fromLen);
    }
}

} // namespace paddock::egress
