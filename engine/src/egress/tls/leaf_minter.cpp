#include "leaf_minter.h"

#include "paddock_ca.h"

#include "paddock/egress.h"

#include <QHostAddress>

#include <openssl/x509v3.h>

#include <ctime>

namespace paddock::egress::tls {

namespace {

bool setSubject(X509 *cert, const QByteArray &name)
{
    // A common name holds at most 64 bytes; clients match the SAN anyway.
    const QByteArray cn = name.left(64);
    X509_NAME *subject = X509_get_subject_name(cert);
    return X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
               reinterpret_cast<const unsigned char *>(cn.constData()), int(cn.size()), -1, 0)
        == 1;
}

// "DNS:api.github.com" or "IP:127.0.0.1"; empty when name is neither.
QByteArray subjectAltName(const QString &name)
{
    const QHostAddress address(name);
    if (!address.isNull()) return "IP:" + address.toString().toLatin1();
    if (isValidHostName(name)) return "DNS:" + name.toLatin1();
    return {};
}

time_t hoursFromNow(int hours)
{
    return std::time(nullptr) + time_t(hours) * 3600;
}

} // namespace

Result<std::unique_ptr<LeafMinter>> LeafMinter::create(const PaddockCa &ca)
{
    PKeyPtr key = newP256Key();
    if (!key)
        return fail(
            ErrorCode::Internal, opensslFailure(QStringLiteral("make the leaf certificates' key")));
    return std::unique_ptr<LeafMinter>(new LeafMinter(ca, std::move(key)));
}

Result<std::shared_ptr<const MintedLeaf>> LeafMinter::leafFor(const QString &name)
{
    {
        std::lock_guard lock(m_mutex);
        auto it = m_cache.find(name);
        if (it != m_cache.end() && it->leaf->notAfter > hoursFromNow(kRenewHoursBefore)) {
            m_recent.splice(m_recent.begin(), m_recent, it->place);
            return it->leaf;
        }
    }
    // Minted outside the lock: two threads may mint the same name at once,
    // and both leaves are good.
    auto leaf = mint(name);
    if (leaf) remember(name, *leaf);
    return leaf;
}

Result<std::shared_ptr<const MintedLeaf>> LeafMinter::mint(const QString &name)
{
    const QByteArray san = subjectAltName(name);
    if (san.isEmpty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("no certificate for '%1': not a host name or an address")
                .arg(name.left(100)));
    X509 *issuer = m_ca.certificate();
    X509Ptr cert(X509_new());
    const time_t notAfter = hoursFromNow(kValidHours);
    const bool ok = cert && X509_set_version(cert.get(), 2) == 1 && setRandomSerial(cert.get())
        && X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) // clocks inside may lag a little
        && ASN1_TIME_set(X509_getm_notAfter(cert.get()), notAfter)
        && setSubject(cert.get(), name.toLatin1())
        && X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer)) == 1
        && X509_set_pubkey(cert.get(), m_key.get()) == 1
        && addExtension(cert.get(), issuer, NID_basic_constraints, "critical,CA:FALSE")
        && addExtension(cert.get(), issuer, NID_key_usage, "critical,digitalSignature")
        && addExtension(cert.get(), issuer, NID_ext_key_usage, "serverAuth")
        && addExtension(cert.get(), issuer, NID_subject_alt_name, san.constData())
        && addExtension(cert.get(), issuer, NID_authority_key_identifier, "keyid:always")
        && X509_sign(cert.get(), m_ca.key(), EVP_sha256()) > 0;
    if (!ok)
        return fail(ErrorCode::Internal,
            opensslFailure(QStringLiteral("mint a certificate for %1").arg(name)));
    auto leaf = std::make_shared<MintedLeaf>();
    leaf->certificate = std::move(cert);
    leaf->key = m_key.get();
    leaf->notAfter = notAfter;
    return std::shared_ptr<const MintedLeaf>(std::move(leaf));
}

void LeafMinter::remember(const QString &name, std::shared_ptr<const MintedLeaf> leaf)
{
    std::lock_guard lock(m_mutex);
    auto it = m_cache.find(name);
    if (it != m_cache.end()) {
        it->leaf = std::move(leaf);
        m_recent.splice(m_recent.begin(), m_recent, it->place);
        return;
    }
    if (size_t(m_cache.size()) >= kCachedNames) { // the name unused the longest goes
        m_cache.remove(m_recent.back());
        m_recent.pop_back();
    }
    m_recent.push_front(name);
    m_cache.insert(name, Cached { std::move(leaf), m_recent.begin() });
}

} // namespace paddock::egress::tls
