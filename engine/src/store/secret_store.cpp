#include "secret_store.h"

namespace paddock::store {

namespace {

constexpr const char *kInKeyring = "keyring";

constexpr const char *kSelect
    = "SELECT name, source, command, ttl_seconds, created_at, updated_at FROM secrets";

SecretInfo readSecret(const Statement &s)
{
    SecretInfo info;
    info.name = s.text(0);
    // "keyring": a stored value the Secret Service keeps (the source column says where).
    info.inKeyring = s.text(1) == QLatin1String(kInKeyring);
    info.source = info.inKeyring ? SecretSource::Stored : secretSourceFromName(s.text(1)).value_or(SecretSource::Stored);
    info.command = s.text(2);
    info.ttlSeconds = int(s.integer(3));
    info.createdAt = QDateTime::fromMSecsSinceEpoch(s.integer(4), Qt::UTC);
    info.updatedAt = QDateTime::fromMSecsSinceEpoch(s.integer(5), Qt::UTC);
    return info;
}

} // namespace

Result<QList<SecretInfo>> SecretStore::all()
{
    auto stmt = m_db.prepare((std::string(kSelect) + " ORDER BY name").c_str());
    if (!stmt) return tl::unexpected(stmt.error());
    return stmt->rows<SecretInfo>(readSecret);
}

Result<std::optional<SecretInfo>> SecretStore::find(const QString &name)
{
    auto stmt = m_db.prepare((std::string(kSelect) + " WHERE name = ?").c_str(), name);
    if (!stmt) return tl::unexpected(stmt.error());
    return stmt->first(readSecret);
}

Result<void> SecretStore::save(const SecretInfo &info)
{
    return m_db.run(
        "INSERT INTO secrets (name, source, command, ttl_seconds, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET source = excluded.source, "
        "command = excluded.command, ttl_seconds = excluded.ttl_seconds, updated_at = "
        "excluded.updated_at",
        info.name, info.inKeyring ? QString::fromLatin1(kInKeyring) : secretSourceName(info.source), info.command,
        qint64(info.ttlSeconds),
        info.createdAt.toMSecsSinceEpoch(), info.updatedAt.toMSecsSinceEpoch());
}

Result<bool> SecretStore::remove(const QString &name)
{
    if (auto r = m_db.run("DELETE FROM secrets WHERE name = ?", name); !r)
        return tl::unexpected(r.error());
    return m_db.changes() > 0;
}

Result<QString> SecretStore::placeholder(const QString &name)
{
    auto stmt = m_db.prepare("SELECT placeholder FROM secrets WHERE name = ?", name);
    if (!stmt) return tl::unexpected(stmt.error());
    auto text = stmt->first([](const Statement &s) { return s.text(0); });
    if (!text) return tl::unexpected(text.error());
    return text->value_or(QString());
}

Result<void> SecretStore::setPlaceholder(const QString &name, const QString &placeholder)
{
    return m_db.run("UPDATE secrets SET placeholder = ? WHERE name = ?", placeholder, name);
}

Result<QHash<QString, QString>> SecretStore::placeholders()
{
    auto stmt = m_db.prepare("SELECT name, placeholder FROM secrets WHERE placeholder != ''");
    if (!stmt) return tl::unexpected(stmt.error());
    auto rows = stmt->rows<std::pair<QString, QString>>(
        [](const Statement &s) { return std::pair { s.text(0), s.text(1) }; });
    if (!rows) return tl::unexpected(rows.error());
    QHash<QString, QString> out;
    for (const auto &[name, text] : *rows)
        out.insert(name, text);
    return out;
}

} // namespace paddock::store
