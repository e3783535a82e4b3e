#include "sandbox_naming.h"

#include <QRandomGenerator>
#include <QRegularExpression>

namespace paddock::sandbox {

QString generateSandboxId()
{
    static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
    static constexpr char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    auto *rng = QRandomGenerator::system();
    QString id(1, QLatin1Char(kLetters[rng->bounded(26)]));
    for (int i = 1; i < 12; ++i)
        id.append(QLatin1Char(kAlnum[rng->bounded(36)]));
    return id;
}

bool isValidSandboxName(const QString &name)
{
    static const QRegularExpression kLabel(QStringLiteral("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"));
    return kLabel.match(name).hasMatch();
}

QString invalidNameMessage(const QString &name)
{
    return QStringLiteral("invalid sandbox name '%1': use 1-63 lower-case letters, digits and '-', "
                          "not at either end").arg(name);
}

} // namespace paddock::sandbox
