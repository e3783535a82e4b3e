// `paddock serve`: becomes paddock-engine, the headless engine host, so
// the CLI itself never links the engine or QtNetwork.
#include "commands.h"

#include "cli_output.h"

#include <QCoreApplication>
#include <QFile>

#include <unistd.h>

namespace paddock::cli {

QString engineBinary()
{
    QString fromEnv = qEnvironmentVariable("PADDOCK_ENGINE_BIN");
    return fromEnv.isEmpty() ? QCoreApplication::applicationDirPath() + QStringLiteral("/paddock-engine") : fromEnv;
}

int serveCommand(const DataPaths &paths, const QStringList &args)
{
    QList<QByteArray> words { QFile::encodeName(engineBinary()), "--data-dir", QFile::encodeName(paths.dataDir()) };
    for (const QString &arg : args)
        words.append(arg.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &w : words)
        argv.push_back(w.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    return reportError(Error { ErrorCode::Internal,
                               QStringLiteral("cannot run %1: %2").arg(engineBinary(), qt_error_string(errno)) });
}

} // namespace paddock::cli
