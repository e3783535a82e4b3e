// Runs the host command a secret names and hands its output over, for
// password managers ("pass show github/token"): `sh -c COMMAND` with the
// engine's own environment (the manager needs the user's agent sockets),
// never inside a sandbox. Bounded in time and size; one trailing newline
// is dropped; a failure says the exit status and the first line the command
// wrote to stderr, never its stdout (which may be half a secret).
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/engine.h"

#include <QByteArray>
#include <QString>

namespace paddock::secrets {

inline constexpr int kSecretCommandTimeoutMs = 30000;

// `done` runs once, on the calling thread's event loop.
void runSecretCommand(const QString &name, const QString &command, Callback<QByteArray> done,
    int timeoutMs = kSecretCommandTimeoutMs);

} // namespace paddock::secrets
