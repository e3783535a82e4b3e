#include "init_launcher.h"

#include "helper_binary.h"

#include "isolation_diagnosis.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>

namespace paddock::sandbox {

namespace {

constexpr int kLaunchTimeoutMs = 30000;

Result<void> prepareStateDir(const QString &stateDir)
{
    for (const char *sub : { "upper/root", "upper/usr", "work/root", "work/usr", "rootfs", "logs" })
        if (!QDir().mkpath(stateDir + QLatin1Char('/') + QLatin1String(sub)))
            return fail(ErrorCode::Io, QStringLiteral("cannot create %1/%2").arg(stateDir, QLatin1String(sub)));
    return {};
}

Error setupFailure(const QString &stderrText)
{
    // paddock-init prints "<step>: <ERRNO> (<text>)"; the step is before the errno.
    QString step = stderrText.section(QStringLiteral(": "), 0, 0);
    Error e { ErrorCode::IsolationUnavailable, stderrText, step };
    QString advice = diagnoseIsolationFailure(stderrText);
    if (!advice.isEmpty())
        e.message += QStringLiteral(" — ") + advice;
    return e;
}

} // namespace

QString initBinary()
{
    return helperBinary(QStringLiteral("paddock-init"), "PADDOCK_INIT_BIN");
}

Result<qint64> launchInit(const LaunchRequest &req)
{
    if (auto r = prepareStateDir(req.stateDir); !r)
        return tl::unexpected(r.error());
    QProcess proc;
    proc.setProgram(initBinary());
    proc.setArguments({ QStringLiteral("--id"), req.sandboxId, QStringLiteral("--hostname"),
                        req.hostname, QStringLiteral("--socket"), req.socketPath,
                        QStringLiteral("--state"), req.stateDir, QStringLiteral("--base"),
                        req.image.rootLayer, QStringLiteral("--usr-skeleton"),
                        req.image.usrSkeleton, QStringLiteral("--trust"), req.trustLayer });
    QStringList limits;
    for (const QString &dir : req.cgroupDirs)
        limits << QStringLiteral("--cgroup") << dir;
    if (req.workloadDataLimit > 0)
        limits << QStringLiteral("--data-limit") << QString::number(req.workloadDataLimit);
    proc.setArguments(proc.arguments() + limits);
    // Nothing of the engine's environment (the user's shell: API keys,
    // proxy credentials) may reach the sandbox: paddock-init needs none, and
    // everything it starts gets an environment built for it.
    proc.setProcessEnvironment(QProcessEnvironment());
    proc.start();
    if (!proc.waitForStarted())
        return fail(ErrorCode::Internal,
                    QStringLiteral("cannot run %1: %2").arg(proc.program(), proc.errorString()));
    if (!proc.waitForFinished(kLaunchTimeoutMs)) {
        proc.kill();
        return fail(ErrorCode::Timeout, QStringLiteral("sandbox set-up did not finish in %1 s").arg(kLaunchTimeoutMs / 1000));
    }
    QString out = QString::fromUtf8(proc.readAllStandardOutput()).trimmed();
    QString err = QString::fromUtf8(proc.readAllStandardError()).trimmed();
    if (proc.exitStatus() != QProcess::NormalExit || proc.exitCode() != 0)
        return tl::unexpected(setupFailure(err.isEmpty() ? QStringLiteral("paddock-init failed") : err));
    bool ok = false;
    qint64 pid = out.section(QLatin1Char(' '), 1, 1).toLongLong(&ok);
    if (!out.startsWith(QLatin1String("pid ")) || !ok || pid <= 0)
        return fail(ErrorCode::Protocol, QStringLiteral("paddock-init answered %1").arg(out));
    return pid;
}

} // namespace paddock::sandbox
