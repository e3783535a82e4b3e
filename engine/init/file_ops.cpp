#include "file_ops.h"

#include "chunk_batch.h"
#include "own_proc_entry.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>

namespace paddock::init::files {

namespace {

constexpr int kMaxTreeDepth = 256;

// "/a/b/c/" → parent "/a/b", name "c". The root has no name to act on.
int splitParent(const std::string &path, std::string &parent, std::string &name)
{
    if (path.empty() || path[0] != '/')
        return EINVAL;
    size_t end = path.find_last_not_of('/');
    if (end == std::string::npos)
        return EBUSY; // "/" itself
    size_t slash = path.rfind('/', end);
    name = path.substr(slash + 1, end - slash);
    parent = slash == 0 ? std::string("/") : path.substr(0, slash);
    if (name == "." || name == "..")
        return EINVAL;
    return 0;
}

int openParent(const std::string &path, UniqueFd &parentFd, std::string &name)
{
    std::string parent;
    if (int err = splitParent(path, parent, name))
        return err;
    return openInRoot(parent, O_PATH | O_DIRECTORY, parentFd);
}

wire::FileKind kindOf(mode_t mode)
{
    if (S_ISREG(mode))
        return wire::FileKind::File;
    if (S_ISDIR(mode))
        return wire::FileKind::Directory;
    if (S_ISLNK(mode))
        return wire::FileKind::Symlink;
    return wire::FileKind::Other;
}

int describe(int dirFd, const char *name, wire::FileInfo &out)
{
    struct stat st;
    if (::fstatat(dirFd, name, &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0)
        return errno;
    out.kind = kindOf(st.st_mode);
    out.mode = st.st_mode & 07777;
    out.size = uint64_t(st.st_size);
    out.mtimeNs = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    out.linkTarget.clear();
    if (out.kind == wire::FileKind::Symlink) {
        char buf[wire::kMaxPathLen];
        ssize_t n = ::readlinkat(dirFd, name, buf, sizeof buf);
        if (n > 0)
            out.linkTarget.assign(buf, size_t(n));
    }
    return 0;
}

int removeTree(int parentFd, const std::string &name, dev_t device, int depth)
{
    if (depth > kMaxTreeDepth)
        return ELOOP;
    UniqueFd dir(::openat(parentFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid())
        return errno;
    struct stat st;
    if (::fstat(dir.get(), &st) != 0)
        return errno;
    if (st.st_dev != device)
        return EXDEV; // another mount (the sandbox's /proc, /dev, /tmp): not ours to empty
    DIR *d = ::fdopendir(::dup(dir.get()));
    if (!d)
        return errno;
    int err = 0;
    while (dirent *e = ::readdir(d)) {
        std::string child = e->d_name;
        if (child == "." || child == "..")
            continue;
        if (::unlinkat(dir.get(), child.c_str(), 0) == 0)
            continue;
        if (errno == EISDIR || errno == EPERM) {
            if ((err = removeTree(dir.get(), child, device, depth + 1)))
                break;
            continue;
        }
        err = errno;
        break;
    }
    ::closedir(d);
    if (err == 0 && ::unlinkat(parentFd, name.c_str(), AT_REMOVEDIR) != 0)
        err = errno;
    return err;
}

// Returns the fd, or -1 with errno set.
int openat2InRoot(const std::string &path, int flags, mode_t mode)
{
    open_how how {};
    how.flags = uint64_t(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    static const int root = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    return int(::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how));
}

} // namespace

int openInRoot(const std::string &path, int flags, UniqueFd &out, mode_t mode)
{
    if (path.empty() || path[0] != '/')
        return EINVAL;
    UniqueFd opened { openat2InRoot(path, flags, mode) };
    if (!opened.valid()) {
        const int err = errno;
        // The helper is not dumpable: unless the user is root, its own /proc
        // files belong to the host's root and the open itself is refused.
        // Say the real reason rather than "permission denied".
        UniqueFd where { err == EACCES || err == EPERM ? openat2InRoot(path, O_PATH, 0) : -1 };
        return where.valid() && checkNotOwnProcEntry(where.get()) == kOwnProcEntry ? kOwnProcEntry : err;
    }
    // Every verb opens through here, so every verb refuses the helper's own
    // /proc entries (own_proc_entry.h), however the path led to them.
    if (int err = checkNotOwnProcEntry(opened.get()))
        return err;
    out = std::move(opened);
    return 0;
}

int statPath(const std::string &path, wire::FileInfo &out)
{
    UniqueFd parent;
    std::string name;
    int err = openParent(path, parent, name);
    if (err == EBUSY) { // the root
        UniqueFd root;
        if ((err = openInRoot("/", O_PATH | O_DIRECTORY, root)))
            return err;
        out.name = "/";
        return describe(root.get(), "", out);
    }
    if (err)
        return err;
    if ((err = checkNotOwnProcEntryAt(parent.get(), name.c_str())))
        return err;
    out.name = name;
    return describe(parent.get(), name.c_str(), out);
}

int listDirectory(const std::string &path,
                  const std::function<void(std::vector<wire::FileInfo> &, bool last)> &chunk)
{
    UniqueFd dir;
    if (int err = openInRoot(path, O_RDONLY | O_DIRECTORY, dir))
        return err;
    DIR *d = ::fdopendir(::dup(dir.get()));
    if (!d)
        return errno;
    ChunkBatch<wire::FileInfo> batch(wire::kMaxDirChunkEntries, [&](std::vector<wire::FileInfo> &full) { chunk(full, false); });
    int err = 0;
    for (;;) {
        // readdir reports an error only through errno, which what ran
        // since the last call may have left set: clear it first.
        errno = 0;
        dirent *e = ::readdir(d);
        if (!e) {
            err = errno;
            break;
        }
        wire::FileInfo info;
        info.name = e->d_name;
        if (info.name == "." || info.name == "..")
            continue;
        int why = checkNotOwnProcEntryAt(dir.get(), e->d_name);
        if (why == 0)
            why = describe(dir.get(), e->d_name, info);
        // Gone since readdir (a process that exited): not an error. The
        // helper's own /proc/<pid> is left out: it is not the sandbox's.
        if (why == ENOENT || why == kOwnProcEntry)
            continue;
        if (why) {
            err = why;
            break;
        }
        batch.add(std::move(info));
    }
    ::closedir(d);
    if (err == 0)
        chunk(batch.rest(), true);
    return err;
}

int makeDirectory(const std::string &path, bool parents)
{
    if (!parents) {
        UniqueFd parent;
        std::string name;
        if (int err = openParent(path, parent, name))
            return err;
        return ::mkdirat(parent.get(), name.c_str(), 0755) == 0 ? 0 : errno;
    }
    // mkdir -p: each component in turn, each resolved inside the root.
    std::string prefix;
    size_t pos = 0;
    while (pos < path.size()) {
        size_t next = path.find('/', pos + 1);
        prefix = path.substr(0, next);
        pos = next == std::string::npos ? path.size() : next;
        if (prefix.find_last_not_of('/') == std::string::npos)
            continue;
        int err = makeDirectory(prefix, false);
        if (err != 0 && err != EEXIST && err != EINVAL)
            return err;
        UniqueFd check;
        if ((err = openInRoot(prefix, O_PATH | O_DIRECTORY, check)))
            return err; // ENOTDIR: a file is in the way
    }
    return 0;
}

int removePath(const std::string &path, bool recursive)
{
    UniqueFd parent;
    std::string name;
    if (int err = openParent(path, parent, name))
        return err;
    if (::unlinkat(parent.get(), name.c_str(), 0) == 0)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return errno;
    if (!recursive)
        return ::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR) == 0 ? 0 : errno;
    struct stat st;
    if (::fstat(parent.get(), &st) != 0)
        return errno;
    return removeTree(parent.get(), name, st.st_dev, 0);
}

int renamePath(const std::string &from, const std::string &to)
{
    UniqueFd fromParent, toParent;
    std::string fromName, toName;
    if (int err = openParent(from, fromParent, fromName))
        return err;
    if (int err = openParent(to, toParent, toName))
        return err;
    if (::renameat(fromParent.get(), fromName.c_str(), toParent.get(), toName.c_str()) != 0)
        return errno;
    return 0;
}

int AtomicWrite::begin(const std::string &path, mode_t mode)
{
    if (int err = openParent(path, m_parent, m_name))
        return err;
    struct stat st;
    if (::fstatat(m_parent.get(), m_name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISDIR(st.st_mode))
            return EISDIR;
        if (S_ISREG(st.st_mode))
            mode = st.st_mode & 07777; // an edit keeps the file's mode
    }
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".paddock-%d-%ld", int(::getpid()), long(::clock()));
    m_tempName = "." + m_name.substr(0, 200) + suffix;
    m_file.reset(::openat(m_parent.get(), m_tempName.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!m_file.valid()) {
        m_tempName.clear();
        return errno;
    }
    return ::fchmod(m_file.get(), mode) == 0 ? 0 : errno; // past the umask
}

int AtomicWrite::append(const std::string &data)
{
    size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(m_file.get(), data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        done += size_t(n);
    }
    m_written += data.size();
    return 0;
}

int AtomicWrite::commit()
{
    m_file.reset();
    if (::renameat(m_parent.get(), m_tempName.c_str(), m_parent.get(), m_name.c_str()) != 0)
        return errno;
    m_tempName.clear();
    return 0;
}

AtomicWrite::~AtomicWrite()
{
    if (!m_tempName.empty())
        ::unlinkat(m_parent.get(), m_tempName.c_str(), 0);
}

} // namespace paddock::init::files
