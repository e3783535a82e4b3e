// Opens the real connection behind an allowed one: to a host override's
// address, to the literal address the sandbox dialled, to what the host's
// resolver says a name is, or through the workstation's forward proxy.
//
// A name or literal address that leads to an address that is not public
// (loopback, this workstation's own, private, link-local, metadata, or an
// IPv6 address embedding one) is refused unless a host override names the
// name, or an allow rule names that address and the port: an allowed name
// or `allow *` must not become a way into the workstation or its network
// (DNS rebinding).
//
// Thread ownership: the engine thread.
#pragma once

#include "destination.h"
#include "forward_proxy.h"
#include "paddock/unique_fd.h"

#include "paddock/egress.h"

#include <QHostInfo>
#include <QObject>
#include <QSocketNotifier>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace paddock::egress {

struct UpstreamPlan {
    Destination dest;
    std::optional<HostOverride> hostOverride;
    std::optional<ProxyEndpoint> proxy;
    QList<EgressRule> rules; // to see whether a rule names a non-public address
};

struct Upstream {
    UniqueFd fd;
    QString description; // "93.184.216.34:443", "via proxy 10.0.0.1:3128"
};

class UpstreamDial : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(Result<Upstream>)>;
    UpstreamDial(UpstreamPlan plan, Done done, QObject *parent = nullptr);
    ~UpstreamDial() override;
    void start();

private:
    void onResolved(const QHostInfo &info, bool checkAddresses);
    void connectNext();
    void onConnectReady();
    void sendConnectRequest();
    void onProxyAnswer();
    void finish(Result<Upstream> r);
    void refuse(const QString &why);

    UpstreamPlan m_plan;
    Done m_done;
    QList<QHostAddress> m_candidates;
    quint16 m_port = 0;
    QString m_lastError;
    UniqueFd m_fd;
    QHostAddress m_connectedTo;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QTimer m_deadline;
    int m_lookupId = -1;
};

} // namespace paddock::egress
