// Reading and writing the control files of one cgroup directory. Plain
// POSIX calls: these run on worker threads as well as the engine's.
#pragma once

#include "paddock/error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace paddock::metering {

// The file's first number; nullopt when it cannot be read or holds none
// ("max" included: the caller knows what no limit means for it).
std::optional<qint64> readCgroupNumber(const QString &dir, const char *file);

// The value of `key` in a "key value" file such as cpu.stat.
std::optional<qint64> readCgroupKey(const QString &dir, const char *file, const QByteArray &key);

QByteArray readCgroupFile(const QString &dir, const char *file);

// One write of `text`, as the kernel wants it; the error names the file.
Result<void> writeCgroupFile(const QString &dir, const char *file, const QByteArray &text);

// mkdir that accepts an existing directory.
Result<void> makeCgroup(const QString &dir);

// rmdir; false while the cgroup is still busy (for a moment after its
// last process is reaped): the caller tries again later.
bool removeCgroup(const QString &dir);

// Removes the empty sandbox cgroups ("sb-…") under `parent` made more
// than a minute ago: those of sandboxes whose PID 1 died while no engine
// watched. (A younger one may be another engine's, about to be joined.)
void sweepAbandonedCgroups(const QString &parent);

} // namespace paddock::metering
