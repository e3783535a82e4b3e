#include "sandbox_egress.h"

#include "dns_responder.h"
#include "egress_service.h"
#include "intercepted_connection.h"
#include "socket_owner.h"

#include "paddock/wire/egress_messages.h"

#include <QDebug>

#include <sys/socket.h>

#include <cstring>

namespace paddock::egress {

namespace {

constexpr int kMaxAcceptsPerWakeup = 64;
constexpr int kStoreNamesAfterMs = 200;
constexpr int kAcceptPauseMs = 200;
constexpr int kOwnerLookupsPerSecond = 50;

} // namespace

SandboxEgress::SandboxEgress(EgressService &service, QString sandboxId, EgressSockets sockets,
                             const QHash<quint32, QString> &storedNames, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_sandboxId(std::move(sandboxId))
    , m_tcp4(std::move(sockets.tcp4))
    , m_tcp6(std::move(sockets.tcp6))
    , m_pool(storedNames)
{
    m_netNamespace = socketNetNamespace(m_tcp4.get());
    m_accept4 = std::make_unique<QSocketNotifier>(m_tcp4.get(), QSocketNotifier::Read);
    m_accept6 = std::make_unique<QSocketNotifier>(m_tcp6.get(), QSocketNotifier::Read);
    connect(m_accept4.get(), &QSocketNotifier::activated, this, [this] { acceptConnections(m_tcp4.get()); });
    connect(m_accept6.get(), &QSocketNotifier::activated, this, [this] { acceptConnections(m_tcp6.get()); });

    m_dns = new DnsResponder(std::move(sockets.dns), false, m_pool, this);
    m_redirectedDns = new DnsResponder(std::move(sockets.redirectedDns), true, m_pool, this);
    for (DnsResponder *dns : { m_dns, m_redirectedDns }) {
        const bool redirected = dns == m_redirectedDns;
        connect(dns, &DnsResponder::nameAssigned, this, [this](quint32 slot, const QString &name) {
            m_newNames.append({ slot, name });
            if (!m_namesTimer.isActive())
                m_namesTimer.start();
        });
        connect(dns, &DnsResponder::noteworthy, this, [this, redirected](const QString &name, bool refused, const QString &why) {
            noteDns(name, refused, why, redirected);
        });
    }
    m_refusals = new RefusalFeed(std::move(sockets.reports), std::move(sockets.reportsRead), this);
    connect(m_refusals, &RefusalFeed::refused, this, &SandboxEgress::noteRefusal);
    m_refusals->start();
    m_namesTimer.setSingleShot(true);
    m_namesTimer.setInterval(kStoreNamesAfterMs);
    connect(&m_namesTimer, &QTimer::timeout, this, &SandboxEgress::flushNames);
}

SandboxEgress::~SandboxEgress() { flushNames(); }

void SandboxEgress::flushNames()
{
    if (m_newNames.isEmpty())
        return;
    Q_EMIT namesToStore(m_newNames);
    m_newNames.clear();
}

void SandboxEgress::acceptConnections(int listener)
{
    for (int i = 0; i < kMaxAcceptsPerWakeup; ++i) {
        int fd = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)) {
            // Out of descriptors: the connection stays queued (nothing goes
            // out unchecked) and the listener would wake us in a loop; wait.
            qWarning("egress: sandbox %s: cannot accept more connections now: %s", qPrintable(m_sandboxId), std::strerror(errno));
            pauseAccepting();
            return;
        }
        if (fd < 0)
            return;
        auto *conn = new InterceptedConnection(*this, UniqueFd(fd));
        conn->start();
    }
}

void SandboxEgress::pauseAccepting()
{
    m_accept4->setEnabled(false);
    m_accept6->setEnabled(false);
    QTimer::singleShot(kAcceptPauseMs, this, [this] {
        m_accept4->setEnabled(true);
        m_accept6->setEnabled(true);
    });
}

// Finding the process behind a connection scans /proc: a sandbox that
// floods connections, refused or allowed, gets it for
// kOwnerLookupsPerSecond of them.
bool SandboxEgress::mayLookUpOwner()
{
    if (!m_lookupWindow.isValid() || m_lookupWindow.elapsed() >= 1000) {
        m_lookupWindow.start();
        m_lookups = 0;
    }
    return ++m_lookups <= kOwnerLookupsPerSecond;
}

void SandboxEgress::noteDns(const QString &name, bool refused, const QString &why, bool redirected)
{
    EgressLogEntry e;
    e.sandboxId = m_sandboxId;
    e.host = name;
    e.port = redirected ? 53 : wire::kDnsPort;
    e.protocol = QStringLiteral("dns");
    e.verdict = refused ? EgressVerdict::Denied : EgressVerdict::Redirected;
    e.reason = why;
    m_service.decisionLog().record(e);
}

// Refused or dropped by paddock-init itself, which says why (and names the
// process when it can); logged here beside the connections the engine decided.
void SandboxEgress::noteRefusal(const wire::EgressRefusal &r)
{
    EgressLogEntry e;
    e.sandboxId = m_sandboxId;
    e.address = QString::fromStdString(r.address);
    e.port = r.port;
    e.protocol = QString::fromStdString(r.protocol);
    e.verdict = EgressVerdict::Denied;
    e.rule = tr("built in"); // no rule can allow these: nothing gets around the interception
    e.reason = QString::fromStdString(r.what);
    if (r.repeats > 0)
        e.reason += tr(" (and %n more refused in the last second, not logged one by one)", nullptr, int(r.repeats));
    e.process = QString::fromStdString(r.process);
    m_service.decisionLog().record(e);
}

} // namespace paddock::egress
