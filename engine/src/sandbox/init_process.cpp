#include "init_process.h"

#include <sys/syscall.h>

#include <unistd.h>

#include <cerrno>

namespace paddock::sandbox {

InitProcess proveInitProcess(const InitConnection &conn, qint64 expectedPid)
{
    InitProcess init;
    const qint64 owner = conn.peerPid();
    if (owner <= 0 || expectedPid <= 0 || owner != expectedPid) {
        // A sandbox started by an earlier Paddock answers from a socket a
        // launcher step opened, whose pid is stale. Unproven, it is still
        // usable; only signals to PID 1 and reads of its /proc are left out.
        init.problem = QStringLiteral("its control socket belongs to pid %1, not to the recorded PID 1 (%2); "
                                      "restart the sandbox to manage it fully")
                           .arg(owner)
                           .arg(expectedPid);
        return init;
    }
    init.pidfd = UniqueFd(int(::syscall(SYS_pidfd_open, pid_t(owner), 0)));
    if (!init.pidfd.valid()) {
        init.problem = QStringLiteral("cannot open PID 1 (pid %1): %2").arg(owner).arg(qt_error_string(errno));
        return init;
    }
    if (conn.peerHungUp()) {
        init.pidfd.reset();
        init.problem = QStringLiteral("PID 1 (pid %1) ended while it was being adopted").arg(owner);
        return init;
    }
    init.pid = owner;
    return init;
}

} // namespace paddock::sandbox
