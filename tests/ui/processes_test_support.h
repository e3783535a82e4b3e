// Shared by the Processes tab's tests: a shell spawned in the background.
#pragma once

#include "engine_calls.h"

namespace paddock::test {

inline Result<ProcessInfo> spawnShell(
    ui::EngineBridge &bridge, const QString &sandbox, const QString &script)
{
    CommandSpec cmd;
    cmd.argv = QStringList { QStringLiteral("/bin/sh"), QStringLiteral("-c"), script };
    return onEngineAsync<ProcessInfo>(
        bridge, [sandbox, cmd](Engine &e, Callback<ProcessInfo> done) {
            e.spawn(sandbox, cmd, {}, std::move(done));
        });
}

} // namespace paddock::test
