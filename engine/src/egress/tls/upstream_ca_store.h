// The CAs the user trusts for inspected upstreams beyond the host's trust
// store: one PEM file per certificate, named by its SHA-256, in a
// directory of the data dir. Only CA certificates are taken (basic
// constraints CA:TRUE), or a self-signed server certificate a test or a
// home server presents as itself.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/egress.h"
#include "paddock/error.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace paddock::egress::tls {

class UpstreamCaStore {
public:
    explicit UpstreamCaStore(QString dir)
        : m_dir(std::move(dir))
    {
    }

    Result<QList<TrustedUpstreamCa>> list() const;
    Result<QList<QByteArray>> pems() const;
    // Adds every certificate in `pem`; what was added (or already there).
    Result<QList<TrustedUpstreamCa>> add(const QByteArray &pem);
    // By fingerprint ("AB:CD:…", case and colons optional); NotFound when absent.
    Result<void> remove(const QString &fingerprint);

private:
    QString fileFor(const QString &fingerprint) const;
    Result<QStringList> files() const;

    QString m_dir;
};

} // namespace paddock::egress::tls
