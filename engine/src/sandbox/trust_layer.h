// The CA certificates a sandbox trusts: the host's bundle plus Paddock's
// CA, as a small read-only overlay layer stacked over the base image's root:
//
//   etc/ssl/certs/ca-certificates.crt   the host's bundle, then Paddock's CA
//   etc/ssl/certs/paddock-ca.pem        Paddock's CA alone
//   etc/ssl/certs/<hash>.N              its name for OpenSSL's directory lookup
//
// A layer is named by a hash of what it holds: a new host bundle or a new CA
// makes a new one, and running sandboxes keep the one they started with.
// The host trusts nothing new: Paddock's CA is trusted only inside.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace paddock::sandbox {

// Where every sandbox finds its bundle (Debian's path; tools on any distro
// read it through the variables of trustEnvironment()).
inline constexpr const char *kSandboxCaBundle = "/etc/ssl/certs/ca-certificates.crt";

struct TrustAnchor {
    QByteArray pem;
    unsigned long subjectHash = 0; // X509_subject_name_hash
};

// Returns the layer (layersDir/<hash>/root), writing it first if needed.
Result<QString> ensureTrustLayer(const QString &layersDir, const TrustAnchor &paddockCa);

// NAME=path for every variable common TLS stacks read a CA bundle from
// (OpenSSL, curl, git, Node, Python requests, pip), so nested tools trust
// the bundle without set-up.
QStringList trustEnvironment();

} // namespace paddock::sandbox
