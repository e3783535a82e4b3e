#include "upstream_ca_store.h"

#include "openssl_handles.h"
#include "private_dirs.h"
#include "private_file.h"
#include "tls_contexts.h"

#include <QDir>
#include <QFile>

#include <openssl/x509v3.h>

#include <algorithm>

namespace paddock::egress::tls {

namespace {

constexpr qint64 kMaxPem = 256 * 1024;

QString hexOf(const QString &fingerprint)
{
    return fingerprint.toUpper().remove(u':');
}

QDateTime notAfter(X509 *cert)
{
    struct tm t { };
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &t) != 1) return {};
    return QDateTime(QDate(t.tm_year + 1900, t.tm_mon + 1, t.tm_mday),
        QTime(t.tm_hour, t.tm_min, t.tm_sec), Qt::UTC);
}

QString subjectOf(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return QString::fromUtf8(data, int(n));
}

TrustedUpstreamCa describe(X509 *cert)
{
    return { sha256Fingerprint(cert), subjectOf(cert), notAfter(cert) };
}

// A CA, or a self-signed certificate that is its own trust anchor.
bool mayAnchor(X509 *cert)
{
    return X509_check_ca(cert) > 0 || X509_check_issued(cert, cert) == X509_V_OK;
}

} // namespace

QString UpstreamCaStore::fileFor(const QString &fingerprint) const
{
    return m_dir + u'/' + hexOf(fingerprint) + QStringLiteral(".pem");
}

Result<QStringList> UpstreamCaStore::files() const
{
    QDir dir(m_dir);
    if (!dir.exists()) return QStringList();
    QStringList out;
    for (const QString &name : dir.entryList({ QStringLiteral("*.pem") }, QDir::Files, QDir::Name))
        out.append(dir.filePath(name));
    return out;
}

Result<QList<QByteArray>> UpstreamCaStore::pems() const
{
    auto all = files();
    if (!all) return tl::unexpected(all.error());
    QList<QByteArray> out;
    for (const QString &path : *all) {
        auto pem = detail::readOwnFile(path, kMaxPem, false);
        if (!pem)
            return tl::unexpected(pem.error().withContext(QStringLiteral("trusted upstream CA")));
        out.append(*pem);
    }
    return out;
}

Result<QList<TrustedUpstreamCa>> UpstreamCaStore::list() const
{
    auto all = pems();
    if (!all) return tl::unexpected(all.error());
    QList<TrustedUpstreamCa> out;
    for (const QByteArray &pem : *all)
        if (X509Ptr cert = certificateFromPem(pem)) out.append(describe(cert.get()));
    return out;
}

Result<QList<TrustedUpstreamCa>> UpstreamCaStore::add(const QByteArray &pem)
{
    auto certs = splitCertificatePems(pem);
    if (!certs) return tl::unexpected(certs.error());
    if (auto r = detail::ensurePrivateDir(m_dir); !r) return tl::unexpected(r.error());
    // Every certificate is checked before any is kept: a bundle is added
    // whole or not at all. A server's own certificate in front of its CA
    // (a "fullchain" file) is passed over: only the CAs can anchor.
    QList<TrustedUpstreamCa> added;
    QList<QByteArray> kept;
    QString notAnchor;
    for (const QByteArray &one : *certs) {
        X509Ptr cert = certificateFromPem(one);
        const TrustedUpstreamCa info = describe(cert.get());
        if (!mayAnchor(cert.get())) {
            notAnchor = info.subject;
            continue;
        }
        if (info.notAfter.isValid() && info.notAfter < QDateTime::currentDateTimeUtc())
            return fail(ErrorCode::InvalidArgument,
                QStringLiteral("%1 expired on %2: it verifies no upstream, so nothing was added")
                    .arg(info.subject, info.notAfter.toString(Qt::ISODate)));
        added.append(info);
        kept.append(one);
    }
    if (added.isEmpty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("%1 is neither a CA certificate nor self-signed: trust the CA that issued it")
                .arg(notAnchor));
    for (qsizetype i = 0; i < kept.size(); ++i)
        if (auto w = detail::writeFileAtomically(fileFor(added[i].fingerprint), kept[i], 0600); !w)
            return tl::unexpected(w.error());
    return added;
}

Result<void> UpstreamCaStore::remove(const QString &fingerprint)
{
    const QString hex = hexOf(fingerprint);
    const bool wellFormed = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](QChar c) {
        return c.isDigit() || (c >= u'A' && c <= u'F');
    });
    if (!wellFormed || !QFile::exists(fileFor(fingerprint)))
        return fail(ErrorCode::NotFound,
            QStringLiteral("no trusted upstream CA has the fingerprint %1").arg(fingerprint));
    if (!QFile::remove(fileFor(fingerprint)))
        return fail(ErrorCode::Io, QStringLiteral("cannot remove %1").arg(fileFor(fingerprint)));
    return {};
}

} // namespace paddock::egress::tls
