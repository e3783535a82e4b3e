// Names of the engine's enums, as they appear in the API and the CLI.
#include "paddock/error.h"
#include "paddock/process.h"
#include "paddock/sandbox.h"

namespace paddock {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return QStringLiteral("invalid_argument");
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::Conflict: return QStringLiteral("conflict");
    case ErrorCode::NotRunning: return QStringLiteral("not_running");
    case ErrorCode::IsolationUnavailable: return QStringLiteral("isolation_unavailable");
    case ErrorCode::CommandNotFound: return QStringLiteral("command_not_found");
    case ErrorCode::NotExecutable: return QStringLiteral("not_executable");
    case ErrorCode::PermissionDenied: return QStringLiteral("permission_denied");
    case ErrorCode::Timeout: return QStringLiteral("timeout");
    case ErrorCode::Protocol: return QStringLiteral("protocol");
    case ErrorCode::Io: return QStringLiteral("io");
    case ErrorCode::Internal: break;
    }
    return QStringLiteral("internal");
}

ErrorCode errorCodeFromName(const QString &name)
{
    for (int i = 0; i <= int(ErrorCode::Internal); ++i)
        if (errorCodeName(ErrorCode(i)) == name)
            return ErrorCode(i);
    return ErrorCode::Internal;
}

QString sandboxStateName(SandboxState s)
{
    return s == SandboxState::Running ? QStringLiteral("running") : QStringLiteral("stopped");
}

QString processStateName(ProcessState s)
{
    switch (s) {
    case ProcessState::Running: return QStringLiteral("running");
    case ProcessState::Exited: return QStringLiteral("exited");
    case ProcessState::Killed: return QStringLiteral("killed");
    case ProcessState::Lost: break;
    }
    return QStringLiteral("lost");
}

} // namespace paddock
