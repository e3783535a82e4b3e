#include "tree_watcher.h"

#include "file_ops.h"
#include "path_glob.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <cerrno>
#include <cstdio>
#include <set>

namespace paddock::init {

namespace {

constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
    | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
constexpr int kMaxDepth = 128;

std::string join(const std::string &dir, const char *name)
{
    return dir == "/" ? "/" + std::string(name) : dir + "/" + name;
}

// Kernel views (/proc, /sys, /dev/pts) change on their own and hold no work.
bool isVirtual(int fd)
{
    struct statfs fs;
    if (::fstatfs(fd, &fs) != 0)
        return true;
    return fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC || fs.f_type == DEVPTS_SUPER_MAGIC
        || fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC;
}

wire::Change change(wire::ChangeKind kind, std::string path, bool dir, std::string from = {})
{
    return wire::Change { kind, std::move(path), std::move(from), dir };
}

} // namespace

int TreeWatcher::start(const std::string &root, std::vector<std::string> excludes)
{
    m_root = root.size() > 1 && root.back() == '/' ? root.substr(0, root.size() - 1) : root;
    m_excludes = std::move(excludes);
    m_inotify.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!m_inotify.valid())
        return errno;
    UniqueFd dir;
    if (int err = files::openInRoot(m_root, O_RDONLY | O_DIRECTORY, dir))
        return err;
    watchTree(m_root, nullptr);
    return m_dirs.empty() ? ENOSPC : 0;
}

std::string TreeWatcher::relative(const std::string &path) const
{
    if (m_root == "/")
        return path.substr(1);
    return path.size() > m_root.size() ? path.substr(m_root.size() + 1) : std::string();
}

bool TreeWatcher::excluded(const std::string &path) const
{
    std::string rel = relative(path);
    return !rel.empty() && isExcluded(m_excludes, rel);
}

// Watches `dir` and every directory below it. With `announce`, also reports
// as created whatever it finds: it appeared before its directory's watch.
void TreeWatcher::watchTree(const std::string &dir, std::vector<wire::Change> *announce, int depth)
{
    if (excluded(dir))
        return;
    if (depth > kMaxDepth) { // said once, as the watch limit is: never missed silently
        if (!m_depthReported) {
            m_depthReported = true;
            (announce ? *announce : m_startNotes)
                .push_back(change(wire::ChangeKind::Overflow, dir, true,
                                  "directories more than " + std::to_string(kMaxDepth)
                                      + " levels deep are not watched: changes below " + dir + " are not seen"));
        }
        return;
    }
    UniqueFd fd;
    if (files::openInRoot(dir, O_RDONLY | O_DIRECTORY, fd) != 0 || isVirtual(fd.get()))
        return;
    // Through our own fd: exactly the directory openat2 resolved.
    char self[64];
    std::snprintf(self, sizeof self, "/proc/self/fd/%d", fd.get());
    int wd = ::inotify_add_watch(m_inotify.get(), self, kMask);
    if (wd < 0) {
        // Said once, whether in the first walk (announced with the watch's
        // start) or later: a subscriber must know it misses changes.
        if (errno == ENOSPC && !m_limitReported) {
            m_limitReported = true;
            (announce ? *announce : m_startNotes)
                .push_back(change(wire::ChangeKind::Overflow, dir, true,
                                  "the inotify watch limit is reached (each sandbox has a share of the "
                                  "user's fs.inotify.max_user_watches): changes below some directories are not seen"));
        }
        return;
    }
    m_dirs[wd] = dir;
    DIR *d = ::fdopendir(::dup(fd.get()));
    if (!d)
        return;
    while (dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && e->d_name[2] == 0)))
            continue;
        std::string child = join(dir, e->d_name);
        bool isDir = e->d_type == DT_DIR;
        if (announce && !excluded(child))
            announce->push_back(change(wire::ChangeKind::Created, child, isDir));
        if (isDir)
            watchTree(child, announce, depth + 1);
    }
    ::closedir(d);
}

void TreeWatcher::renameWatched(const std::string &from, const std::string &to)
{
    for (auto &[wd, path] : m_dirs)
        if (path == from || path.compare(0, from.size() + 1, from + "/") == 0)
            path = to + path.substr(from.size());
}

void TreeWatcher::forgetWatched(const std::string &dir)
{
    for (auto it = m_dirs.begin(); it != m_dirs.end();) {
        if (it->second == dir || it->second.compare(0, dir.size() + 1, dir + "/") == 0) {
            ::inotify_rm_watch(m_inotify.get(), it->first);
            it = m_dirs.erase(it);
        } else {
            ++it;
        }
    }
}

std::vector<wire::Change> TreeWatcher::drain()
{
    std::vector<wire::Change> out;
    std::set<std::string> modified; // one Modified per path per drain
    struct PendingMove {
        uint32_t cookie;
        std::string path;
        bool dir;
    };
    std::vector<PendingMove> movedFrom;
    alignas(inotify_event) char buf[64 * 1024];
    for (;;) {
        ssize_t n = ::read(m_inotify.get(), buf, sizeof buf);
        if (n <= 0)
            break;
        for (char *p = buf; p < buf + n;) {
            auto *ev = reinterpret_cast<inotify_event *>(p);
            p += sizeof(inotify_event) + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                out.push_back(change(wire::ChangeKind::Overflow, m_root, true, "the event queue overflowed"));
                continue;
            }
            auto dir = m_dirs.find(ev->wd);
            if (ev->mask & IN_IGNORED) {
                if (dir != m_dirs.end())
                    m_dirs.erase(dir);
                continue;
            }
            if (dir == m_dirs.end())
                continue;
            if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
                if (dir->second == m_root)
                    out.push_back(change(wire::ChangeKind::Deleted, m_root, true));
                continue;
            }
            if (ev->len == 0)
                continue;
            const std::string path = join(dir->second, ev->name);
            const bool isDir = ev->mask & IN_ISDIR;
            if (excluded(path))
                continue;
            if (ev->mask & IN_CREATE) {
                out.push_back(change(wire::ChangeKind::Created, path, isDir));
                if (isDir)
                    watchTree(path, &out);
            } else if (ev->mask & IN_CLOSE_WRITE) {
                if (modified.insert(path).second)
                    out.push_back(change(wire::ChangeKind::Modified, path, false));
            } else if (ev->mask & IN_DELETE) {
                out.push_back(change(wire::ChangeKind::Deleted, path, isDir));
            } else if (ev->mask & IN_MOVED_FROM) {
                movedFrom.push_back({ ev->cookie, path, isDir });
            } else if (ev->mask & IN_MOVED_TO) {
                auto from = std::find_if(movedFrom.begin(), movedFrom.end(),
                                         [&](const PendingMove &m) { return m.cookie == ev->cookie; });
                if (from != movedFrom.end()) {
                    out.push_back(change(wire::ChangeKind::Moved, path, isDir, from->path));
                    if (isDir)
                        renameWatched(from->path, path);
                    movedFrom.erase(from);
                } else {
                    out.push_back(change(wire::ChangeKind::Created, path, isDir));
                    if (isDir)
                        watchTree(path, &out); // moved in from outside the tree
                }
            }
        }
    }
    // Moved out of the tree (or into an excluded part): gone, as far as a
    // subscriber can tell.
    for (const PendingMove &m : movedFrom) {
        out.push_back(change(wire::ChangeKind::Deleted, m.path, m.dir));
        if (m.dir)
            forgetWatched(m.path);
    }
    return out;
}

} // namespace paddock::init
