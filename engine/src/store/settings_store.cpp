#include "settings_store.h"

#include <QJsonDocument>

namespace paddock::store {

Result<std::optional<QJsonObject>> SettingsStore::value(const QString &key)
{
    auto stmt = m_db.prepare("SELECT value FROM settings WHERE key = ?");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<QJsonObject>();
    return std::optional<QJsonObject>(QJsonDocument::fromJson(stmt->text(0).toUtf8()).object());
}

Result<void> SettingsStore::setValue(const QString &key, const QJsonObject &value)
{
    auto stmt = m_db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, key).bind(2, QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact)));
    return stmt->run();
}

Result<void> SettingsStore::remove(const QString &key)
{
    auto stmt = m_db.prepare("DELETE FROM settings WHERE key = ?");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, key);
    return stmt->run();
}

} // namespace paddock::store
