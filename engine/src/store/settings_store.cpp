#include "settings_store.h"

#include <QJsonDocument>

namespace paddock::store {

Result<std::optional<QJsonObject>> SettingsStore::value(const QString &key)
{
    auto stmt = m_db.prepare("SELECT value FROM settings WHERE key = ?", key);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->first([](const Statement &s) { return QJsonDocument::fromJson(s.text(0).toUtf8()).object(); });
}

Result<void> SettingsStore::setValue(const QString &key, const QJsonObject &value)
{
    return m_db.run("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", key,
                    QString::fromUtf8(QJsonDocument(value).toJson(QJsonDocument::Compact)));
}

Result<void> SettingsStore::remove(const QString &key)
{
    return m_db.run("DELETE FROM settings WHERE key = ?", key);
}

} // namespace paddock::store
