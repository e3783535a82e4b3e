#include "secret_file.h"

#include "private_dirs.h"
#include "private_file.h"

#include "paddock/secrets.h"

#include <QFileInfo>
#include <QJsonDocument>

namespace paddock::secrets {

namespace {

// Room for a thousand secrets of the largest size.
constexpr qint64 kMaxFileBytes = 1000 * kMaxSecretBytes * 4 / 3 + 64 * 1024;

} // namespace

Result<QJsonObject> SecretFile::load() const
{
    const QFileInfo info(path());
    if (info.isSymLink()) // even a dangling one: replacing it would hide where the values went
        return fail(ErrorCode::PermissionDenied,
            QStringLiteral(
                "the secret file is refused: %1 is a symbolic link; put the file itself there")
                .arg(path()));
    if (!info.exists()) return QJsonObject();
    auto bytes = detail::readOwnFile(path(), kMaxFileBytes, true);
    if (!bytes)
        return fail(bytes.error().code,
            QStringLiteral("the secret file is refused: %1 (once only you can read "
                           "it, 'chmod 600 %2' makes it usable again)")
                .arg(bytes.error().message, path()));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*bytes, &error);
    if (!doc.isObject())
        return fail(ErrorCode::Io,
            QStringLiteral("the secret file %1 is damaged (%2): set its secrets again after "
                           "moving it away")
                .arg(path(), error.errorString()));
    return doc.object();
}

Result<void> SecretFile::save(const QJsonObject &values)
{
    if (auto r = detail::ensurePrivateDir(m_dir); !r) return r;
    return detail::writeFileAtomically(
        path(), QJsonDocument(values).toJson(QJsonDocument::Compact), 0600);
}

Result<std::optional<QByteArray>> SecretFile::value(const QString &name) const
{
    auto values = load();
    if (!values) return tl::unexpected(values.error());
    const QJsonValue v = values->value(name);
    if (!v.isString()) return std::optional<QByteArray>();
    return std::optional<QByteArray>(QByteArray::fromBase64(v.toString().toLatin1()));
}

Result<void> SecretFile::setValue(const QString &name, const QByteArray &value)
{
    auto values = load();
    if (!values) return tl::unexpected(values.error());
    values->insert(name, QString::fromLatin1(value.toBase64()));
    return save(*values);
}

Result<void> SecretFile::remove(const QString &name)
{
    auto values = load();
    if (!values) return tl::unexpected(values.error());
    if (!values->contains(name)) return {};
    values->remove(name);
    return save(*values);
}

} // namespace paddock::secrets
