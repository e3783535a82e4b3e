// How much disk a sandbox's own layer takes: a walk of its overlay upper
// directory, counted as du(1) does (allocated blocks, each inode once, on
// the directory's own filesystem).
//
// The sandbox decides what the tree holds (a million empty files, a chain
// of directories thousands deep, symlinks swapped in mid-walk): the walk
// stops after `maxEntries` entries or `maxMs` and then says "more than";
// it never follows a symlink nor leaves the tree (openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), and it can be cancelled.
// Blocking: run it on a worker thread, never the engine's.
#pragma once

#include "paddock/sandbox_vitals.h"

#include <QString>

#include <atomic>

namespace paddock::sandbox {

struct DiskWalkLimits {
    qint64 maxEntries = 1'000'000;
    qint64 maxMs = 5000;
};

DiskUsage measureDiskUsage(const QString &root, const DiskWalkLimits &limits,
                           const std::atomic_bool *cancelled = nullptr);

} // namespace paddock::sandbox
