// File operations on the sandbox's tree, run by the files helper (a process
// inside the sandbox with a workload's rights).
//
// Every path is resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
// from the sandbox's "/": `..` stops at the root, an absolute symlink is
// taken relative to it, and /proc's magic links (/proc/N/root, /proc/N/fd/M)
// are refused, and so is anything in the helper's own /proc/<pid>
// (own_proc_entry.h). Operations that name an entry (create, remove, rename) open
// its parent that way and then act on the last component relative to that
// fd, so a symlink swapped in meanwhile cannot redirect them.
//
// Functions return 0, an errno, or kOwnProcEntry. Reading is in
// file_reading.h.
#pragma once

#include "own_proc_entry.h"
#include "paddock/unique_fd.h"

#include "paddock/wire/file_messages.h"

#include <sys/types.h>

#include <cstdint>

#include <functional>
#include <string>
#include <vector>

namespace paddock::init::files {

int openInRoot(const std::string &path, int flags, UniqueFd &out, mode_t mode = 0);

// lstat: a symlink is described, not followed.
int statPath(const std::string &path, wire::FileInfo &out);

// Calls `chunk` with at most kMaxDirChunkEntries entries at a time, sorted
// by nothing (the directory's order); returns before the last call on error.
int listDirectory(const std::string &path,
                  const std::function<void(std::vector<wire::FileInfo> &, bool last)> &chunk);

int makeDirectory(const std::string &path, bool parents);
int removePath(const std::string &path, bool recursive);
int renamePath(const std::string &from, const std::string &to);

// Writes to a temporary file beside the target and renames it into place,
// so readers see the old content or the new, never half of it.
class AtomicWrite {
public:
    int begin(const std::string &path, mode_t mode);
    int append(const std::string &data);
    int commit();
    uint64_t written() const { return m_written; }
    ~AtomicWrite(); // removes the temporary file unless committed

private:
    UniqueFd m_parent;
    UniqueFd m_file;
    std::string m_name;
    std::string m_tempName;
    uint64_t m_written = 0;
};

} // namespace paddock::init::files
