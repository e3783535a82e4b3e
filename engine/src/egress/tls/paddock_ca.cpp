#include "paddock_ca.h"

#include "private_dirs.h"
#include "private_file.h"

#include <QDateTime>
#include <QDir>
#include <QFile>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace paddock::egress::tls {

namespace {

constexpr const char *kKeyFile = "paddock-ca.key";
constexpr const char *kCertFile = "paddock-ca.pem";
constexpr qint64 kMaxPemBytes = 64 * 1024;
constexpr int kValidDays = 3650;
// A CA this close to its end is replaced before sandboxes meet an expired one.
constexpr int kRenewDaysBefore = 30;

// The name says what it is and when it was made, nothing about the user or
// the machine: every sandbox reads it.
bool setName(X509 *cert)
{
    const QByteArray cn
        = "Paddock sandbox CA " + QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8();
    X509_NAME *name = X509_get_subject_name(cert);
    const auto add = [name](const char *field, const QByteArray &value) {
        return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                   reinterpret_cast<const unsigned char *>(value.constData()), int(value.size()),
                   -1, 0)
            == 1;
    };
    return add("O", "Paddock") && add("CN", cn) && X509_set_issuer_name(cert, name) == 1;
}

Result<X509Ptr> makeCaCertificate(EVP_PKEY *key)
{
    X509Ptr cert(X509_new());
    const bool ok = cert && X509_set_version(cert.get(), 2) == 1 && setRandomSerial(cert.get())
        && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) // clocks inside may lag a little
        && X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidDays, 0, nullptr)
        && setName(cert.get()) && X509_set_pubkey(cert.get(), key) == 1
        && addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
        && addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign")
        && addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash")
        && X509_sign(cert.get(), key, EVP_sha256()) > 0;
    if (!ok)
        return fail(
            ErrorCode::Internal, opensslFailure(QStringLiteral("make Paddock's CA certificate")));
    return cert;
}

// Why the CA on disk cannot be used; empty when it can.
QString problemWith(X509 *cert, EVP_PKEY *key)
{
    if (!cert) return QStringLiteral("the certificate does not parse");
    if (!key) return QStringLiteral("the key does not parse");
    if (X509_check_private_key(cert, key) != 1)
        return QStringLiteral("the key is not the certificate's");
    if (X509_check_ca(cert) < 1) return QStringLiteral("the certificate is not a CA");
    time_t renewBy = time(nullptr) + time_t(kRenewDaysBefore) * 86400;
    if (X509_cmp_time(X509_get0_notAfter(cert), &renewBy) <= 0)
        return QStringLiteral("the certificate expires within %1 days").arg(kRenewDaysBefore);
    ERR_clear_error();
    return {};
}

// Keeps what was there (a user may want to see it) out of the way.
QString moveAside(const QDir &dir)
{
    const QString aside
        = QStringLiteral("unusable-%1")
              .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz")));
    dir.mkdir(aside);
    for (const char *file : { kKeyFile, kCertFile })
        QFile::rename(dir.filePath(QLatin1String(file)),
            dir.filePath(aside + QLatin1Char('/') + QLatin1String(file)));
    return dir.filePath(aside);
}

} // namespace

Result<PaddockCa> PaddockCa::loadOrCreate(const QString &dirPath, QStringList *notes)
{
    if (auto r = detail::ensurePrivateDir(dirPath); !r)
        return tl::unexpected(r.error().withContext(QStringLiteral("Paddock's CA")));
    const QDir dir(dirPath);
    const QString keyPath = dir.filePath(QLatin1String(kKeyFile));
    const QString certPath = dir.filePath(QLatin1String(kCertFile));
    const bool anyThere = QFileInfo::exists(keyPath) || QFileInfo::exists(certPath);
    if (anyThere) {
        auto keyPem = detail::readOwnFile(keyPath, kMaxPemBytes, true);
        auto certPem = detail::readOwnFile(certPath, kMaxPemBytes, false);
        QString problem = !keyPem ? keyPem.error().message
            : !certPem            ? certPem.error().message
                                  : QString();
        X509Ptr cert = certPem ? certificateFromPem(*certPem) : nullptr;
        PKeyPtr key = keyPem ? privateKeyFromPem(*keyPem) : nullptr;
        if (problem.isEmpty()) problem = problemWith(cert.get(), key.get());
        if (problem.isEmpty()) {
            // Re-encoded, never the file as found: a file that holds the
            // key too (as some CAs' do) must not carry it into sandboxes.
            QByteArray pem = tls::certificatePem(cert.get());
            return PaddockCa(std::move(cert), std::move(key), std::move(pem));
        }
        const QString aside = moveAside(dir);
        if (notes)
            *notes << QStringLiteral(
                "Paddock's CA in %1 could not be used (%2): it was moved to %3 and a new CA "
                "made; sandboxes trust the new one from their next start")
                          .arg(dirPath, problem, aside);
    }
    PKeyPtr key = newP256Key();
    if (!key)
        return fail(ErrorCode::Internal, opensslFailure(QStringLiteral("make Paddock's CA key")));
    auto cert = makeCaCertificate(key.get());
    if (!cert) return tl::unexpected(cert.error());
    const QByteArray certPem = tls::certificatePem(cert->get());
    const QByteArray keyPem = privateKeyPem(key.get());
    if (certPem.isEmpty() || keyPem.isEmpty())
        return fail(ErrorCode::Internal, opensslFailure(QStringLiteral("encode Paddock's CA")));
    // The key first: a certificate on disk without its key is replaced at the next start.
    if (auto r = detail::writeFileAtomically(keyPath, keyPem, 0600); !r)
        return tl::unexpected(r.error().withContext(QStringLiteral("save Paddock's CA key")));
    if (auto r = detail::writeFileAtomically(certPath, certPem, 0644); !r)
        return tl::unexpected(
            r.error().withContext(QStringLiteral("save Paddock's CA certificate")));
    return PaddockCa(std::move(*cert), std::move(key), certPem);
}

} // namespace paddock::egress::tls
