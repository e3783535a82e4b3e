// One running sandbox's egress: its interception sockets (accepting every
// outbound TCP connection nftables steered to them), its DNS responders,
// its fake-address pool, and what its paddock-init refused outright.
//
// Thread ownership: the engine thread.
#pragma once

#include "egress_sockets.h"
#include "fake_ip_pool.h"
#include "refusal_feed.h"

#include <QObject>
#include <QSocketNotifier>
#include <QElapsedTimer>
#include <QTimer>

#include <memory>

namespace paddock::egress {

class EgressService;
class DnsResponder;

class SandboxEgress : public QObject {
    Q_OBJECT
public:
    SandboxEgress(EgressService &service, QString sandboxId, EgressSockets sockets,
                  const QHash<quint32, QString> &storedNames, QObject *parent = nullptr);
    ~SandboxEgress() override;

    const QString &sandboxId() const { return m_sandboxId; }
    quint64 netNamespace() const { return m_netNamespace; }
    const FakeIpPool &names() const { return m_pool; }
    EgressService &service() { return m_service; }
    bool mayLookUpOwner();

Q_SIGNALS:
    void namesToStore(const QList<QPair<quint32, QString>> &names);

private:
    void acceptConnections(int listener);
    void pauseAccepting();
    void noteDns(const QString &name, bool refused, const QString &why, bool redirected);
    void noteRefusal(const wire::EgressRefusal &r);
    void flushNames();

    EgressService &m_service;
    QString m_sandboxId;
    quint64 m_netNamespace = 0; // to find which process opened a connection
    UniqueFd m_tcp4, m_tcp6;
    FakeIpPool m_pool;
    std::unique_ptr<QSocketNotifier> m_accept4, m_accept6;
    DnsResponder *m_dns = nullptr;
    DnsResponder *m_redirectedDns = nullptr;
    RefusalFeed *m_refusals = nullptr;
    QList<QPair<quint32, QString>> m_newNames;
    QTimer m_namesTimer;
    QElapsedTimer m_lookupWindow;
    int m_lookups = 0;
};

} // namespace paddock::egress
