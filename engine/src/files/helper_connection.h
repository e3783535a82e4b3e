// A new connection to a new files helper of a sandbox, set up the one way
// every user of a helper needs it: named in errors ("the sandbox's files
// helper did not answer …") and closed with a timeout when the helper
// stops taking what is sent to it — the workload can stop a helper.
//
// Thread ownership: the engine thread.
#pragma once

#include "sandbox/init_connection.h"

#include <memory>

namespace paddock::files {

Result<std::unique_ptr<sandbox::InitConnection>> connectToHelper(const QString &socketPath);

} // namespace paddock::files
