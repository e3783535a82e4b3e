#include "disk_usage.h"

#include "paddock/unique_fd.h"

#include <QElapsedTimer>
#include <QFile>

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace paddock::sandbox {

namespace {

constexpr int kCheckEvery = 1024; // entries between looks at the clock and the cancel flag
// The directories still to list, as paths: a wide tree below a deep one
// would otherwise hold a million long paths at once.
constexpr size_t kMaxPendingBytes = 16 * 1024 * 1024;

struct CloseDir {
    void operator()(DIR *d) const { ::closedir(d); }
};

// A directory below the root, by its path relative to it, opened so that
// no component may be a symlink nor lead out of the root: the sandbox
// can rename and swap entries while the walk runs.
int openBeneath(int root, const std::string &relative)
{
    open_how how {};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    return int(::syscall(SYS_openat2, root, relative.c_str(), &how, sizeof how));
}

class Walk {
public:
    Walk(const DiskWalkLimits &limits, const std::atomic_bool *cancelled) : m_limits(limits), m_cancelled(cancelled)
    {
        m_clock.start();
    }

    DiskUsage run(const QString &root)
    {
        DiskUsage usage;
        UniqueFd rootFd(::open(QFile::encodeName(root).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
        struct stat st {};
        if (!rootFd.valid() || ::fstat(rootFd.get(), &st) != 0)
            return usage;
        m_device = st.st_dev;
        m_usage.known = true;
        m_usage.bytes = qint64(st.st_blocks) * 512;
        std::vector<std::string> pending { "." };
        m_pendingBytes = 1;
        while (!pending.empty() && !stopped()) {
            const std::string dir = std::move(pending.back());
            pending.pop_back();
            m_pendingBytes -= dir.size();
            list(rootFd.get(), dir, pending);
        }
        m_usage.complete = m_usage.complete && pending.empty() && !m_stopped;
        return m_usage;
    }

private:
    // Counts the entries of one directory; its subdirectories go on `pending`.
    void list(int root, const std::string &dir, std::vector<std::string> &pending)
    {
        const int fd = dir == "." ? ::dup(root) : openBeneath(root, dir);
        std::unique_ptr<DIR, CloseDir> d(fd >= 0 ? ::fdopendir(fd) : nullptr);
        if (!d) {
            if (fd >= 0)
                ::close(fd);
            m_usage.complete = false; // unreadable, gone, or too deep to name
            return;
        }
        while (const dirent *e = ::readdir(d.get())) {
            if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0)
                continue;
            if (stopped())
                return;
            struct stat st {};
            if (::fstatat(::dirfd(d.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue; // removed meanwhile
            ++m_usage.entries;
            if (st.st_dev != m_device)
                continue; // a mount point: another filesystem's space
            if (S_ISDIR(st.st_mode))
                push(pending, dir + '/' + e->d_name);
            if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !m_seen.insert(st.st_ino).second)
                continue; // a hard link to an inode already counted
            m_usage.bytes += qint64(st.st_blocks) * 512;
        }
    }

    void push(std::vector<std::string> &pending, std::string path)
    {
        if (path.size() >= PATH_MAX || m_pendingBytes + path.size() > kMaxPendingBytes) {
            m_usage.complete = false; // not listed: what it holds is not counted
            return;
        }
        m_pendingBytes += path.size();
        pending.push_back(std::move(path));
    }

    bool stopped()
    {
        if (m_stopped)
            return true;
        if (m_usage.entries >= m_limits.maxEntries)
            m_stopped = true;
        else if (++m_sinceCheck >= kCheckEvery) {
            m_sinceCheck = 0;
            m_stopped = m_clock.elapsed() >= m_limits.maxMs || (m_cancelled && m_cancelled->load());
        }
        return m_stopped;
    }

    DiskWalkLimits m_limits;
    const std::atomic_bool *m_cancelled;
    QElapsedTimer m_clock;
    DiskUsage m_usage;
    dev_t m_device = 0;
    std::set<ino_t> m_seen; // hard-linked inodes; bounded by the entry limit
    size_t m_pendingBytes = 0;
    int m_sinceCheck = 0;
    bool m_stopped = false;
};

} // namespace

DiskUsage measureDiskUsage(const QString &root, const DiskWalkLimits &limits, const std::atomic_bool *cancelled)
{
    DiskUsage usage = Walk(limits, cancelled).run(root);
    usage.measuredAt = QDateTime::currentDateTimeUtc();
    return usage;
}

} // namespace paddock::sandbox
