// Small files only this user may read (a CA key, a secret store): written
// whole or not at all, and read back only when they are still ours and
// closed to everyone else.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QString>

#include <sys/types.h>

namespace paddock::detail {

// Reads path when it is a regular file of this user (never through a
// symlink), no larger than maxBytes, and — when `secret` — open to nobody
// else (mode 0600 or stricter). The error names what was wrong.
Result<QByteArray> readOwnFile(const QString &path, qint64 maxBytes, bool secret);

// Writes bytes to path with `mode` through a temporary file in the same
// directory, synced and renamed over: a crash or a full disk leaves the old
// file or none, never half of one.
Result<void> writeFileAtomically(const QString &path, const QByteArray &bytes, mode_t mode);

} // namespace paddock::detail
