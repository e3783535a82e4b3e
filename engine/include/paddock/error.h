// Expected failures are values: Result<T> carries either T or an Error that
// says what failed, on which object, and what the user can do about it.
#pragma once

#include <QString>

#include <tl/expected.hpp>

namespace paddock {

enum class ErrorCode {
    InvalidArgument, // the request itself is wrong
    NotFound, // no such sandbox or process
    Conflict, // name taken, already running, …
    NotRunning, // the sandbox is stopped
    IsolationUnavailable, // this machine cannot build a sandbox (fail closed)
    CommandNotFound, // exec: no such program (exit status 127)
    NotExecutable, // exec: found but cannot run (exit status 126)
    PermissionDenied, // files: the sandbox itself refuses (read-only, not allowed)
    Timeout,
    Protocol, // paddock-init sent something invalid
    Io,
    Internal,
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message; // what failed and what to do, for a person
    QString step; // the failing step, when there is one ("mount overlay on /usr")
    int sysErrno = 0;

    // Prefixes the message with where it happened, as it travels up:
    // "sandbox 'web' (k3x9…): " + "overlay mount failed: EPERM".
    Error withContext(const QString &context) const
    {
        Error e = *this;
        e.message = context + QStringLiteral(": ") + message;
        return e;
    }
};

template<typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, QString message, QString step = {},
                                  int sysErrno = 0)
{
    return tl::unexpected<Error>(Error { code, std::move(message), std::move(step), sysErrno });
}

QString errorCodeName(ErrorCode code);
ErrorCode errorCodeFromName(const QString &name); // Internal when unknown

} // namespace paddock
