#include "helper_binary.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace paddock {

QString helperBinary(const QString &fileName, const char *variable)
{
    const QString fromEnv = qEnvironmentVariable(variable);
    if (!fromEnv.isEmpty()) return fromEnv;
    const QString appDir = QCoreApplication::applicationDirPath();
    for (const QString &candidate :
        { appDir + u'/' + fileName, appDir + QStringLiteral("/../lib/paddock/") + fileName })
        if (QFileInfo(candidate).isExecutable()) return QFileInfo(candidate).canonicalFilePath();
    return appDir + u'/' + fileName;
}

} // namespace paddock
