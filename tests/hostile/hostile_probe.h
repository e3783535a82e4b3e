// Runs an attack inside the fixture's sandbox and returns what happened.
#pragma once

#include "test_support.h"

namespace paddock::test {

inline ExecOutput attack(SandboxFixture &fx, const QString &script)
{
    return execIn(*fx.engine, fx.sandbox.id, { QStringLiteral("sh"), QStringLiteral("-c"), script });
}

// A Python probe: prints its result on stdout.
inline ExecOutput pythonAttack(SandboxFixture &fx, const QString &code)
{
    return execIn(*fx.engine, fx.sandbox.id, { QStringLiteral("python3"), QStringLiteral("-c"), code });
}

// What a package manager does: 16 connections at once through echo.test,
// each echoing a line. Prints "ok" and the ms from name lookup to the last
// answer, or why not.
inline const char *const kTimedEcho = R"py(
import socket, time
t = time.monotonic()
try:
    socks = [socket.create_connection(('echo.test', 7), timeout=10) for i in range(16)]
    for i, s in enumerate(socks):
        s.sendall(b'ping %d\n' % i)
    answers = [s.recv(16) for s in socks]
    good = sum(1 for i, r in enumerate(answers) if r == b'ping %d\n' % i)
    print('ok' if good == 16 else 'only %d of 16 answered' % good, round((time.monotonic() - t) * 1000, 1))
except OSError as e:
    print('failed', e)
)py";

} // namespace paddock::test
