#include "trust_layer.h"

#include "private_file.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <unistd.h>

namespace paddock::sandbox {

namespace {

// Where distributions keep the system bundle; the first one present is the host's.
constexpr const char *kHostBundles[] = {
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt", // Fedora, RHEL
    "/etc/ssl/ca-bundle.pem", // openSUSE
    "/etc/ssl/cert.pem", // Alpine, macOS-like layouts
};

constexpr const char *kTrustVariables[] = {
    "SSL_CERT_FILE", // OpenSSL's default file (python's ssl, ruby, …)
    "CURL_CA_BUNDLE",
    "GIT_SSL_CAINFO",
    "NODE_EXTRA_CA_CERTS", // Node keeps its own roots and adds these
    "REQUESTS_CA_BUNDLE", // Python requests ships certifi otherwise
    "PIP_CERT",
};

constexpr qint64 kMaxBundleBytes = 16 * 1024 * 1024;
constexpr const char *kCertsDir = "etc/ssl/certs";
constexpr const char *kPaddockCaFile = "paddock-ca.pem";

QByteArray hostBundle()
{
    for (const char *path : kHostBundles) {
        QFile file(QString::fromLatin1(path));
        if (file.size() <= kMaxBundleBytes && file.open(QIODevice::ReadOnly)) return file.readAll();
    }
    return {};
}

// <hash>.N with the first N the host's own certificate directory leaves
// free: the base image carries the host's hash links beside ours.
QString hashLinkName(unsigned long subjectHash)
{
    const QString base = QStringLiteral("%1").arg(subjectHash, 8, 16, QLatin1Char('0'));
    for (int n = 0;; ++n) {
        const QString name = base + QLatin1Char('.') + QString::number(n);
        if (!QFileInfo::exists(QStringLiteral("/etc/ssl/certs/") + name)) return name;
    }
}

Result<void> writeLayer(const QString &root, const QByteArray &bundle, const TrustAnchor &ca)
{
    const QString certs = root + QLatin1Char('/') + QLatin1String(kCertsDir);
    if (!QDir().mkpath(certs))
        return fail(ErrorCode::Io, QStringLiteral("cannot create %1").arg(certs));
    if (auto r
        = detail::writeFileAtomically(certs + QStringLiteral("/ca-certificates.crt"), bundle, 0644);
        !r)
        return r;
    if (auto r = detail::writeFileAtomically(
            certs + QLatin1Char('/') + QLatin1String(kPaddockCaFile), ca.pem, 0644);
        !r)
        return r;
    const QString link = certs + QLatin1Char('/') + hashLinkName(ca.subjectHash);
    if (::symlink(kPaddockCaFile, QFile::encodeName(link).constData()) != 0)
        return fail(ErrorCode::Io, QStringLiteral("cannot link %1").arg(link));
    return {};
}

} // namespace

Result<QString> ensureTrustLayer(const QString &layersDir, const TrustAnchor &paddockCa)
{
    QByteArray bundle = hostBundle();
    if (!bundle.isEmpty() && !bundle.endsWith('\n')) bundle += '\n';
    bundle += "# Paddock's sandbox CA: trusted inside sandboxes only (inspected egress)\n"
        + paddockCa.pem;
    const QString name = QString::fromLatin1(
        QCryptographicHash::hash(bundle, QCryptographicHash::Sha256).toHex().left(16));
    const QDir layers(layersDir);
    const QString dir = layers.filePath(name);
    const QString root = dir + QStringLiteral("/root"); // the layer; its stamp stays outside it
    if (QFileInfo::exists(dir + QStringLiteral("/.complete"))) return root;
    // Built aside and renamed into place: a sandbox never mounts half a layer.
    const QString staging = layers.filePath(name + QStringLiteral(".building-%1").arg(::getpid()));
    QDir(staging).removeRecursively();
    if (auto r = writeLayer(staging + QStringLiteral("/root"), bundle, paddockCa); !r)
        return tl::unexpected(
            r.error().withContext(QStringLiteral("write the sandboxes' CA bundle")));
    QFile stamp(staging + QStringLiteral("/.complete"));
    if (!stamp.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io,
            QStringLiteral("write the sandboxes' CA bundle: cannot write %1")
                .arg(stamp.fileName()));
    stamp.close();
    QDir(dir).removeRecursively(); // an interrupted build's leftover, never a finished layer
    if (!QDir().rename(staging, dir))
        return fail(ErrorCode::Io,
            QStringLiteral("write the sandboxes' CA bundle: cannot rename %1").arg(staging));
    return root;
}

QStringList trustEnvironment()
{
    QStringList env;
    for (const char *name : kTrustVariables)
        env << QLatin1String(name) + QLatin1Char('=') + QLatin1String(kSandboxCaBundle);
    return env;
}

} // namespace paddock::sandbox
