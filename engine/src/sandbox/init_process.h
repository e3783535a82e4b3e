// Which host process is a sandbox's PID 1 — proven by the kernel, never
// taken on a number's word. The engine signals PID 1 (SIGKILL when a
// sandbox must end) and reads its /proc entry (listening ports); a wrong
// pid there would hit or describe an unrelated process of the same user.
//
// Thread ownership: any; the result owns its pidfd.
#pragma once

#include "init_connection.h"

#include "paddock/unique_fd.h"

#include <QString>

namespace paddock::sandbox {

struct InitProcess {
    qint64 pid = 0;    // 0: not proven; nothing is signalled or read
    UniqueFd pidfd;    // refers to PID 1 for as long as it is held
    QString problem;   // why it is not proven, for the log
    bool proven() const { return pidfd.valid(); }
};

// Proves that `expectedPid` (recorded when the sandbox was launched) is the
// process at the other end of `conn`: the kernel names the socket's owner
// (SO_PEERCRED), a pidfd is opened on it, and the connection is still open
// afterwards — PID 1's connections close when it dies, before its pid can
// be reused, so the pidfd cannot have caught a newcomer.
InitProcess proveInitProcess(const InitConnection &conn, qint64 expectedPid);

} // namespace paddock::sandbox
