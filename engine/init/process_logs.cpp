#include "process_logs.h"

#include "paddock/wire/messages.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

namespace paddock::init {

namespace {

constexpr std::string_view kCurrentSuffix = ".log";
constexpr std::string_view kRotatedSuffix = ".log.1";

std::string partName(const std::string &procId, bool rotated)
{
    return rotated ? wire::rotatedLogFileName(procId) : wire::logFileName(procId);
}

bool label(int fd, uint64_t start)
{
    const std::string value = std::to_string(start);
    return ::fsetxattr(fd, wire::kLogStartAttribute, value.data(), value.size(), 0) == 0;
}

struct Found {
    std::string procId;
    bool rotated;
    uint64_t bytes;
    timespec modified;
};

// A log part's name, split: "p7.log" → p7, current; "p7.log.1" → p7, rotated.
bool parseName(std::string_view name, std::string &procId, bool &rotated)
{
    for (bool r : { false, true }) {
        std::string_view suffix = r ? kRotatedSuffix : kCurrentSuffix;
        if (name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix) {
            procId = std::string(name.substr(0, name.size() - suffix.size()));
            rotated = r;
            return wire::isValidProcId(procId);
        }
    }
    return false;
}

} // namespace

ProcessLogs::ProcessLogs(UniqueFd dir, LogLimits limits) : m_dir(std::move(dir)), m_limits(limits)
{
    scan();
}

// What earlier runs of the sandbox left counts too, oldest first.
void ProcessLogs::scan()
{
    UniqueFd copy(::fcntl(m_dir.get(), F_DUPFD_CLOEXEC, 0));
    DIR *d = copy.valid() ? ::fdopendir(copy.get()) : nullptr;
    if (!d)
        return;
    copy.release(); // closedir closes it
    std::vector<Found> found;
    while (dirent *e = ::readdir(d)) {
        Found f {};
        struct stat st {};
        if (!parseName(e->d_name, f.procId, f.rotated)
            || ::fstatat(m_dir.get(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        f.bytes = uint64_t(st.st_size);
        f.modified = st.st_mtim;
        found.push_back(std::move(f));
    }
    ::closedir(d);
    std::sort(found.begin(), found.end(), [](const Found &a, const Found &b) {
        if (a.modified.tv_sec != b.modified.tv_sec)
            return a.modified.tv_sec < b.modified.tv_sec;
        if (a.modified.tv_nsec != b.modified.tv_nsec)
            return a.modified.tv_nsec < b.modified.tv_nsec;
        return a.rotated > b.rotated; // a log's .1 is older than its current part
    });
    for (Found &f : found) {
        m_parts.push_back({ std::move(f.procId), f.rotated, f.bytes, m_nextAge++ });
        m_total += f.bytes;
    }
}

Status ProcessLogs::open(const std::string &procId)
{
    removePart(procId, true);
    removePart(procId, false);
    const std::string name = partName(procId, false);
    UniqueFd fd(::openat(m_dir.get(), name.c_str(),
                         O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid())
        return failure("open the process log " + name);
    // Without its label a rotated log could not be read back in order:
    // refuse to start the process rather than keep a log nobody can follow.
    if (!label(fd.get(), 0)) {
        Status s = failure("label the process log " + name + " (user extended attributes)");
        ::unlinkat(m_dir.get(), name.c_str(), 0);
        return s;
    }
    m_parts.push_back({ procId, false, 0, m_nextAge++ });
    Writer &w = m_writers[procId];
    w = Writer {};
    w.fd = std::move(fd);
    return success();
}

void ProcessLogs::append(const std::string &procId, const char *data, size_t size)
{
    auto it = m_writers.find(procId);
    if (it == m_writers.end() || size == 0)
        return;
    Writer &w = it->second;
    Part *current = w.fd.valid() ? find(procId, false) : nullptr;
    const bool full = current && current->bytes > 0 && current->bytes + size > m_limits.partBytes;
    if ((!current || full || w.gap) && !startPart(procId, w))
        return drop(w, size);
    makeRoom(procId, size);
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::write(w.fd.get(), data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; // ENOSPC, EDQUOT, EIO…: what is left is dropped
        done += size_t(n);
    }
    if (Part *p = find(procId, false))
        p->bytes += done;
    m_total += done;
    w.offset += done;
    if (done < size)
        drop(w, size - done);
}

void ProcessLogs::close(const std::string &procId) { m_writers.erase(procId); }

ProcessLogs::Part *ProcessLogs::find(const std::string &procId, bool rotated)
{
    for (Part &p : m_parts)
        if (p.rotated == rotated && p.procId == procId)
            return &p;
    return nullptr;
}

// The current part (if any) becomes the rotated one, replacing the older;
// a new current part starts at the writer's offset.
bool ProcessLogs::startPart(const std::string &procId, Writer &w)
{
    const std::string current = partName(procId, false);
    if (w.fd.valid()) {
        w.fd.reset();
        removePart(procId, true);
        const std::string rotated = partName(procId, true);
        if (::renameat(m_dir.get(), current.c_str(), m_dir.get(), rotated.c_str()) == 0) {
            if (Part *p = find(procId, false))
                p->rotated = true;
        } else {
            removePart(procId, false);
        }
    }
    UniqueFd fd(::openat(m_dir.get(), current.c_str(),
                         O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid())
        return false;
    if (!label(fd.get(), w.offset)) {
        ::unlinkat(m_dir.get(), current.c_str(), 0);
        return false;
    }
    m_parts.push_back({ procId, false, 0, m_nextAge++ });
    w.fd = std::move(fd);
    w.gap = false;
    return true;
}

// Drops the oldest parts in the sandbox until `size` more bytes fit; never
// the part being written to.
void ProcessLogs::makeRoom(const std::string &procId, uint64_t size)
{
    while (m_total + size > m_limits.sandboxBytes) {
        auto oldest = m_parts.end();
        for (auto p = m_parts.begin(); p != m_parts.end(); ++p)
            if ((p->rotated || p->procId != procId) && (oldest == m_parts.end() || p->age < oldest->age))
                oldest = p;
        if (oldest == m_parts.end())
            return;
        const std::string victim = oldest->procId;
        const bool rotated = oldest->rotated;
        removePart(victim, rotated);
        if (!rotated)
            if (auto w = m_writers.find(victim); w != m_writers.end())
                w->second.fd.reset(); // its next output starts a new part
    }
}

void ProcessLogs::removePart(const std::string &procId, bool rotated)
{
    auto p = std::find_if(m_parts.begin(), m_parts.end(),
                          [&](const Part &x) { return x.rotated == rotated && x.procId == procId; });
    ::unlinkat(m_dir.get(), partName(procId, rotated).c_str(), 0);
    if (p == m_parts.end())
        return;
    m_total -= p->bytes;
    m_parts.erase(p);
}

void ProcessLogs::drop(Writer &w, uint64_t size)
{
    w.offset += size;
    w.gap = true;
    m_dropped += size;
}

} // namespace paddock::init
