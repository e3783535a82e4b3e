#include "forward_proxy.h"

#include <QUrl>

namespace paddock::egress {

namespace {

QString firstSet(const QProcessEnvironment &env, const char *upper)
{
    const QString name = QString::fromLatin1(upper);
    const QString value = env.value(name.toLower());
    return value.isEmpty() ? env.value(name) : value;
}

} // namespace

Result<ProxyEndpoint> parseProxyUrl(const QString &text)
{
    QUrl url(text.contains(QStringLiteral("://")) ? text : QStringLiteral("http://") + text);
    if (!url.isValid() || url.host().isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("proxy '%1' is not a URL").arg(text));
    if (url.scheme() != QStringLiteral("http"))
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("proxy '%1': only http:// proxies are supported (CONNECT); "
                                   "Paddock will not send traffic around it").arg(text));
    ProxyEndpoint p;
    p.host = url.host();
    p.port = quint16(url.port(3128));
    if (!url.userName().isEmpty())
        p.authorization = "Basic " + (url.userName() + u':' + url.password()).toUtf8().toBase64();
    return p;
}

bool noProxyMatches(const QStringList &noProxy, const QString &host)
{
    for (QString entry : noProxy) {
        entry = entry.trimmed().toLower();
        if (entry.isEmpty())
            continue;
        if (entry == QStringLiteral("*"))
            return true;
        if (entry.contains(u'/')) {
            QHostAddress addr(host);
            if (!addr.isNull() && addr.isInSubnet(QHostAddress::parseSubnet(entry)))
                return true;
            continue;
        }
        if (entry.startsWith(u'.'))
            entry.remove(0, 1);
        if (host == entry || host.endsWith(u'.' + entry))
            return true;
    }
    return false;
}

Result<std::optional<ForwardProxy>> ForwardProxy::fromSettings(const QString &httpsProxy, const QString &httpProxy,
                                                               const QString &noProxy)
{
    if (httpsProxy.isEmpty() && httpProxy.isEmpty())
        return std::optional<ForwardProxy>();
    ForwardProxy proxy;
    if (!httpsProxy.isEmpty()) {
        auto p = parseProxyUrl(httpsProxy);
        if (!p)
            return tl::unexpected(p.error());
        proxy.m_https = *p;
    }
    if (!httpProxy.isEmpty()) {
        auto p = parseProxyUrl(httpProxy);
        if (!p)
            return tl::unexpected(p.error());
        proxy.m_http = *p;
    }
    proxy.m_noProxy = noProxy.split(u',', Qt::SkipEmptyParts);
    return std::optional<ForwardProxy>(proxy);
}

ForwardProxySettings proxySettingsFromEnvironment(const QProcessEnvironment &env)
{
    return ForwardProxySettings { true, firstSet(env, "HTTPS_PROXY"), firstSet(env, "HTTP_PROXY"), firstSet(env, "NO_PROXY") };
}

std::optional<ProxyEndpoint> ForwardProxy::proxyFor(const QString &host, quint16 port) const
{
    if (noProxyMatches(m_noProxy, host))
        return std::nullopt;
    // Plain HTTP's port prefers the HTTP proxy; everything else is a tunnel.
    if (port == 80 && m_http)
        return m_http;
    return m_https ? m_https : m_http;
}

QString ForwardProxy::describe() const
{
    const ProxyEndpoint &p = m_https ? *m_https : *m_http;
    return p.host + u':' + QString::number(p.port);
}

} // namespace paddock::egress
