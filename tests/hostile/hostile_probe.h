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

} // namespace paddock::test
