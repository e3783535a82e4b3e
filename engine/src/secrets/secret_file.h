// The values of stored secrets: one JSON object {"NAME": "<base64>"} in
// <data dir>/secrets/values.json, mode 0600 in a 0700 directory, written
// whole through a synced temporary file (a crash or a full disk leaves the
// previous file). A file others could read, or that is not this user's, is
// refused rather than used: its values may no longer be secret.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace paddock::secrets {

class SecretFile {
public:
    explicit SecretFile(QString dir)
        : m_dir(std::move(dir))
    {
    }

    QString path() const { return m_dir + QStringLiteral("/values.json"); }
    Result<std::optional<QByteArray>> value(const QString &name) const;
    Result<void> setValue(const QString &name, const QByteArray &value);
    Result<void> remove(const QString &name);

private:
    Result<QJsonObject> load() const;
    Result<void> save(const QJsonObject &values);

    QString m_dir;
};

} // namespace paddock::secrets
