#include "helper_connection.h"

#include "sandbox/request_deadlines.h"

#include "paddock/wire/file_messages.h"

namespace paddock::files {

Result<std::unique_ptr<sandbox::InitConnection>> connectToHelper(const QString &socketPath)
{
    // PID 1 greets at once, before it hands the connection over: this
    // waits on PID 1 (which never blocks), not on the helper.
    auto conn = sandbox::InitConnection::connectTo(socketPath, 3000, wire::kFilesRole);
    if (!conn)
        return tl::unexpected(conn.error());
    (*conn)->setPeerName(QStringLiteral("the sandbox's files helper"));
    (*conn)->setWriteDeadline(sandbox::deadlines::kFilesWriteMs);
    return std::move(*conn);
}

} // namespace paddock::files
