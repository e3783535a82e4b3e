// The workstation's forward proxy, for networks where the internet is only
// reachable through one: upstream connections then go through it with HTTP
// CONNECT, never directly. Read from HTTPS_PROXY / HTTP_PROXY / NO_PROXY
// (either case) in the engine's environment, or set in Paddock's settings.
#pragma once

#include "paddock/egress.h"
#include "paddock/error.h"

#include <QByteArray>
#include <QHostAddress>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <optional>

namespace paddock::egress {

struct ProxyEndpoint {
    QString host;
    quint16 port = 0;
    QByteArray authorization; // "Basic …" when the URL has credentials
};

class ForwardProxy {
public:
    // Nothing configured: no proxy. A URL Paddock cannot use (https://,
    // socks) is an error, so traffic is refused rather than sent directly.
    static Result<std::optional<ForwardProxy>> fromSettings(const QString &httpsProxy, const QString &httpProxy,
                                                            const QString &noProxy);

    // The proxy for a connection to host:port, or nothing when NO_PROXY
    // exempts the host.
    std::optional<ProxyEndpoint> proxyFor(const QString &host, quint16 port) const;
    QString describe() const;

private:
    std::optional<ProxyEndpoint> m_https, m_http;
    QStringList m_noProxy;
};

// HTTPS_PROXY / HTTP_PROXY / NO_PROXY of `env`, the lower-case spelling first.
ForwardProxySettings proxySettingsFromEnvironment(const QProcessEnvironment &env);

Result<ProxyEndpoint> parseProxyUrl(const QString &url);
bool noProxyMatches(const QStringList &noProxy, const QString &host);

} // namespace paddock::egress
