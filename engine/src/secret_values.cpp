#include "paddock/secrets.h"

namespace paddock {

QString secretSourceName(SecretSource s)
{
    return s == SecretSource::Command ? QStringLiteral("command") : QStringLiteral("stored");
}

std::optional<SecretSource> secretSourceFromName(const QString &name)
{
    if (name == QLatin1String("stored")) return SecretSource::Stored;
    if (name == QLatin1String("command")) return SecretSource::Command;
    return std::nullopt;
}

bool isValidSecretName(const QString &name)
{
    if (name.isEmpty() || name.size() > 64 || !name.front().isLetter()
        || name.front().unicode() > 0x7f)
        return false;
    for (QChar c : name)
        if (!(c.unicode() < 0x80 && (c.isLetterOrNumber() || c == QLatin1Char('_')))) return false;
    return true;
}

} // namespace paddock
