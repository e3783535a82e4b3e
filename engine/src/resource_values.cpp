// Names and sizes of paddock/resources.h: shared by the engine and the CLI.
#include "paddock/resources.h"

#include <QHash>
#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace paddock {

QString resourceModeName(ResourceMode mode)
{
    switch (mode) {
    case ResourceMode::CgroupV2: return QStringLiteral("cgroup-v2");
    case ResourceMode::CgroupV1: return QStringLiteral("cgroup-v1");
    case ResourceMode::Rootless: return QStringLiteral("rootless");
    }
    return QStringLiteral("rootless");
}

std::optional<qint64> parseByteSize(const QString &text)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?\\s*$"),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QString unit = m.captured(2).toLower();
    const int shift = unit.isEmpty() ? 0 : 10 * int(QStringLiteral("kmgt").indexOf(unit) + 1);
    const long double value = m.captured(1).toDouble() * std::ldexp(1.0L, shift);
    if (value > (long double)std::numeric_limits<qint64>::max() || value != std::floor(value))
        return std::nullopt;
    return qint64(value);
}

std::optional<qint64> parseDuration(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,9})\\s*([smhd]?)\\s*$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    static const QHash<QString, qint64> kUnit { { QString(), 1 }, { QStringLiteral("s"), 1 }, { QStringLiteral("m"), 60 },
                                               { QStringLiteral("h"), 3600 }, { QStringLiteral("d"), 86400 } };
    const qint64 seconds = m.captured(1).toLongLong() * kUnit.value(m.captured(2));
    return seconds <= 10ll * 365 * 86400 ? std::optional<qint64>(seconds) : std::nullopt;
}

QString formatByteSize(qint64 bytes)
{
    static const char *const kUnits[] = { "KiB", "MiB", "GiB", "TiB" };
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024 && unit < 3) {
        value /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(kUnits[unit]));
}

} // namespace paddock
