// Reading a file out of the sandbox, bounded whatever the sandbox put there.
//
// Only regular files are read: a FIFO would block, a device (/dev/zero)
// never ends, a socket is not content. A regular file on a filesystem that
// stores files is read up to the size it had when opened, so a workload
// appending to it cannot make the read endless. Anything else is a
// pseudo-file (procfs, sysfs: size 0, content made up as it is read, and
// /proc/PID/pagemap is 8 bytes per page of a 128 TiB address space): it is
// read whole, up to kMaxPseudoFileBytes, before a byte of it is sent, and
// refused (EFBIG) when it does not end by then.
#pragma once

#include "paddock/unique_fd.h"

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace paddock::init::files {

inline constexpr uint64_t kMaxPseudoFileBytes = 4u << 20;

struct OpenedFile {
    UniqueFd fd;
    mode_t type = 0; // S_IFMT bits; set also when the type is refused
    uint64_t size = 0; // at open: a stored file is never read past it
    bool pseudo = false;
    const char *filesystem = ""; // its kind, for messages ("procfs")
};

// 0, or: EISDIR, EINVAL (not a regular file: see `type`), kOwnProcEntry,
// another errno.
int openForReading(const std::string &path, OpenedFile &out);

// Hands the content to `chunk` in pieces of at most `chunkBytes`; stops
// early when `chunk` returns false. Returns 0, an errno, or EFBIG for a
// pseudo-file past the bound (then `chunk` was never called).
int readBounded(OpenedFile &file, size_t chunkBytes, const std::function<bool(std::string_view)> &chunk);

// "a FIFO", "a character device", … for messages.
const char *describeType(mode_t type);

} // namespace paddock::init::files
