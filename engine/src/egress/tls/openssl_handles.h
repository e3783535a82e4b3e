// Owning handles for the OpenSSL objects the engine keeps or builds: each is
// freed on every path, and the error queue OpenSSL fills on failure turns
// into one message for a person.
#pragma once

#include <QByteArray>
#include <QString>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>

namespace paddock::egress::tls {

template <auto FreeFunction> struct OpensslFree {
    template <typename T> void operator()(T *p) const { FreeFunction(p); }
};

using PKeyPtr = std::unique_ptr<EVP_PKEY, OpensslFree<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpensslFree<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpensslFree<BIO_free_all>>;
using PKeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpensslFree<EVP_PKEY_CTX_free>>;

// Empties OpenSSL's error queue of this thread into "what: reason; reason".
QString opensslFailure(const QString &what);

PKeyPtr newP256Key();

QByteArray certificatePem(X509 *cert);
QByteArray privateKeyPem(EVP_PKEY *key);
// Null when the text holds no such PEM object (the queue is emptied either way).
X509Ptr certificateFromPem(const QByteArray &pem);
PKeyPtr privateKeyFromPem(const QByteArray &pem);

// The fields every certificate Paddock signs needs, for the CA (its own
// issuer) and the leaves alike: a random 127-bit serial, and an extension
// written as OpenSSL's config syntax ("critical,CA:FALSE").
bool setRandomSerial(X509 *cert);
bool addExtension(X509 *cert, X509 *issuer, int nid, const char *value);

// "AB:CD:…", the SHA-256 digest of the certificate as browsers show it.
QString sha256Fingerprint(X509 *cert);

} // namespace paddock::egress::tls
