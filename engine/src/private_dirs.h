// Directories only this user may write: where Paddock keeps its sockets,
// its database and its base images. Anything another local user controls
// (a /tmp/paddock-<uid> made first, a symlink planted there, a group- or
// world-writable directory) must not become one of ours: sockets in it
// control sandboxes, and files in it become sandboxes' roots.
#pragma once

#include "paddock/error.h"

#include <QString>

namespace paddock::detail {

struct DirCheck {
    enum class Status { Private, Missing, Unusable, Foreign, OpenToOthers };
    Status status = Status::Missing;
    QString why; // for a person: "/tmp/paddock-1000 belongs to uid 1001, not to you (uid 1000)"
    bool ok() const { return status == Status::Private; }
};

// Whether `path` is a directory owned by this user that no one else can
// write. With followLinks false a symlink is Unusable (socket dirs); the
// data and cache dirs may be symlinks a user made on purpose.
DirCheck checkPrivateDir(const QString &path, bool followLinks);

// Creates `path` (0700) if missing, then insists that it is ours, not a
// symlink, and closed to others (0700).
Result<void> ensurePrivateDir(const QString &path);

// Creates `path` and its parents if missing, each 0700 from the start; it
// must then be ours (a symlink to a directory of ours is fine) and not
// writable by others (what they could have put in it stays: refused), and
// is tightened to 0700.
Result<void> ensureOwnedTree(const QString &path, const QString &what);

} // namespace paddock::detail
