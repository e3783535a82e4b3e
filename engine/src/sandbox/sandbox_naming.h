// Sandbox IDs and names: both are DNS labels, because both end up in host
// names (the sandbox's hostname now, preview URLs later).
#pragma once

#include <QString>

namespace paddock::sandbox {

// 12 characters: a letter, then letters and digits (≈ 62 bits of randomness).
QString generateSandboxId();

// 1–63 characters of a-z, 0-9 and '-', not starting or ending with '-'.
bool isValidSandboxName(const QString &name);

// The error for a name that is not valid, saying what a valid one looks like.
QString invalidNameMessage(const QString &name);

} // namespace paddock::sandbox
