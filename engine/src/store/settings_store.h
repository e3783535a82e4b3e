// Engine-wide settings in the settings table: one JSON object per key.
#pragma once

#include "database.h"

#include <QJsonObject>

#include <optional>

namespace paddock::store {

class SettingsStore {
public:
    explicit SettingsStore(Database &db) : m_db(db) { }

    Result<std::optional<QJsonObject>> value(const QString &key);
    Result<void> setValue(const QString &key, const QJsonObject &value);
    Result<void> remove(const QString &key);

private:
    Database &m_db;
};

} // namespace paddock::store
