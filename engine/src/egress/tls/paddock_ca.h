// Paddock's certificate authority: made once per data dir, on first use,
// and trusted only inside sandboxes (their CA bundle is the host's plus
// this one, see sandbox/trust_layer.h). Inspected egress mints its leaf
// certificates from it. The key never leaves the engine: it lives in
// <data dir>/ca/paddock-ca.key, 0600, in a directory no sandbox mounts.
//
// Thread ownership: immutable once loaded; any thread may read it.
#pragma once

#include "openssl_handles.h"

#include "paddock/error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace paddock::egress::tls {

class PaddockCa {
public:
    // Loads the CA kept in dir, making one first when there is none. A CA
    // that cannot be trusted any more (a key others could read, files that
    // do not parse or do not match, a certificate about to expire) is moved
    // aside into dir/unusable-<time>/ and a new one made; `notes` says so.
    static Result<PaddockCa> loadOrCreate(const QString &dir, QStringList *notes = nullptr);

    X509 *certificate() const { return m_cert.get(); }
    EVP_PKEY *key() const { return m_key.get(); }
    QByteArray certificatePem() const { return m_pem; }
    QString fingerprint() const { return sha256Fingerprint(m_cert.get()); }
    // The name OpenSSL looks a CA up by in a certificate directory (<hash>.0).
    unsigned long subjectHash() const { return X509_subject_name_hash(m_cert.get()); }

private:
    PaddockCa(X509Ptr cert, PKeyPtr key, QByteArray pem)
        : m_cert(std::move(cert))
        , m_key(std::move(key))
        , m_pem(std::move(pem))
    {
    }

    X509Ptr m_cert;
    PKeyPtr m_key;
    QByteArray m_pem;
};

} // namespace paddock::egress::tls
