// Where an intercepted connection was headed, as the sandbox saw it.
#pragma once

#include <QHostAddress>
#include <QString>

namespace paddock::egress {

struct Destination {
    QString host; // the name behind a fake DNS address; empty for a literal address
    QHostAddress address; // what the sandbox connected to
    quint16 port = 0;

    // "api.github.com:443", or "10.0.0.5:22" for a literal address.
    QString describe() const
    {
        const QString where = host.isEmpty()
            ? (address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString())
            : host;
        return where + u':' + QString::number(port);
    }
};

} // namespace paddock::egress
