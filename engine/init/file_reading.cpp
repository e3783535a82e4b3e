#include "file_reading.h"

#include "file_ops.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace paddock::init::files {

namespace {

struct FilesystemKind {
    long magic;
    const char *name;
};

// Filesystems that store files: a regular file's size is its content. A
// sandbox's files live on overlayfs and tmpfs; the others are what a layer
// or a future bind mount may sit on. Any filesystem not listed is read as
// a pseudo-file: bounded, whole or not at all (fail closed).
constexpr FilesystemKind kStoringFilesystems[] = {
    { OVERLAYFS_SUPER_MAGIC, "overlayfs" }, { TMPFS_MAGIC, "tmpfs" }, { EXT4_SUPER_MAGIC, "ext4" },
    { XFS_SUPER_MAGIC, "xfs" }, { BTRFS_SUPER_MAGIC, "btrfs" },
};

// Named in messages only.
constexpr FilesystemKind kPseudoFilesystems[] = {
    { PROC_SUPER_MAGIC, "procfs" }, { SYSFS_MAGIC, "sysfs" }, { DEBUGFS_MAGIC, "debugfs" },
    { TRACEFS_MAGIC, "tracefs" }, { SECURITYFS_MAGIC, "securityfs" }, { CGROUP_SUPER_MAGIC, "cgroupfs" },
    { CGROUP2_SUPER_MAGIC, "cgroup2" }, { BPF_FS_MAGIC, "bpf" },
};

const FilesystemKind *find(const auto &table, long magic)
{
    auto it = std::find_if(std::begin(table), std::end(table), [magic](const FilesystemKind &k) { return k.magic == magic; });
    return it == std::end(table) ? nullptr : it;
}

// Reads until EOF, `limit` bytes, or `chunk` says stop; EINTR is retried.
// Each read asks for a whole chunk when the limit allows: some pseudo-files
// refuse odd sizes (pagemap: EINVAL unless a multiple of 8).
int readUpTo(int fd, uint64_t limit, size_t chunkBytes, const std::function<bool(std::string_view)> &chunk)
{
    std::string buf(chunkBytes, '\0');
    uint64_t done = 0;
    while (done < limit) {
        const ssize_t n = ::read(fd, buf.data(), size_t(std::min<uint64_t>(chunkBytes, limit - done)));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        if (n == 0)
            break;
        done += uint64_t(n);
        if (!chunk(std::string_view(buf.data(), size_t(n))))
            break;
    }
    return 0;
}

} // namespace

int openForReading(const std::string &path, OpenedFile &out)
{
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    if (int err = openInRoot(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, out.fd)) {
        struct stat st;
        UniqueFd what; // a socket cannot be opened (ENXIO): say what it is
        if (err == ENXIO && openInRoot(path, O_PATH, what) == 0 && ::fstat(what.get(), &st) == 0) {
            out.type = st.st_mode & S_IFMT;
            return EINVAL;
        }
        return err;
    }
    struct stat st;
    struct statfs fs;
    if (::fstat(out.fd.get(), &st) != 0 || ::fstatfs(out.fd.get(), &fs) != 0)
        return errno;
    out.type = st.st_mode & S_IFMT;
    if (S_ISDIR(st.st_mode))
        return EISDIR;
    if (!S_ISREG(st.st_mode))
        return EINVAL;
    out.size = uint64_t(st.st_size);
    const FilesystemKind *storing = find(kStoringFilesystems, fs.f_type);
    const FilesystemKind *pseudo = find(kPseudoFilesystems, fs.f_type);
    out.pseudo = storing == nullptr;
    out.filesystem = storing ? storing->name : pseudo ? pseudo->name : "an unknown filesystem";
    return 0;
}

int readBounded(OpenedFile &file, size_t chunkBytes, const std::function<bool(std::string_view)> &chunk)
{
    if (!file.pseudo)
        return readUpTo(file.fd.get(), file.size, chunkBytes, chunk);
    // Anything past the bound tells "ends at the bound" from "goes on";
    // whole chunks are asked for, so this may hold one chunk more.
    std::string whole;
    int err = readUpTo(file.fd.get(), UINT64_MAX, chunkBytes, [&whole](std::string_view piece) {
        whole.append(piece);
        return whole.size() <= kMaxPseudoFileBytes;
    });
    if (err)
        return err;
    if (whole.size() > kMaxPseudoFileBytes)
        return EFBIG;
    for (size_t at = 0; at < whole.size(); at += chunkBytes)
        if (!chunk(std::string_view(whole).substr(at, chunkBytes)))
            break;
    return 0;
}

const char *describeType(mode_t type)
{
    switch (type) {
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFDIR: return "a directory";
    case S_IFLNK: return "a symlink";
    default: return "not a regular file";
    }
}

} // namespace paddock::init::files
