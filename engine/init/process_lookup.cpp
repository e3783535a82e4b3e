#include "process_lookup.h"

#include "paddock/unique_fd.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace paddock::init {

namespace {

struct DirCloser {
    void operator()(DIR *d) const { ::closedir(d); }
};
struct FileCloser {
    void operator()(FILE *f) const { std::fclose(f); }
};

// How many /proc entries one search may look at. The workload chooses how
// many processes and descriptors there are; PID 1 gives up (the packet's
// process stays unnamed) rather than spend its time on them.
constexpr int kMaxLookups = 65536;

// The inode of the socket bound to local `port` in /proc/net/udp or udp6.
unsigned long udpSocketInode(bool v6, uint16_t port)
{
    std::unique_ptr<FILE, FileCloser> table(std::fopen(v6 ? "/proc/net/udp6" : "/proc/net/udp", "re"));
    if (!table)
        return 0;
    char line[512];
    if (!std::fgets(line, sizeof line, table.get())) // the header
        return 0;
    for (int budget = kMaxLookups; budget > 0 && std::fgets(line, sizeof line, table.get()); --budget) {
        // "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode"
        char local[64];
        unsigned long inode = 0;
        if (std::sscanf(line, " %*s %63s %*s %*s %*s %*s %*s %*s %*s %lu", local, &inode) != 2)
            continue;
        const char *colon = std::strrchr(local, ':');
        if (colon && std::strtoul(colon + 1, nullptr, 16) == port)
            return inode;
    }
    return 0;
}

bool holdsSocket(const char *pid, const std::string &target, int &budget)
{
    const std::string fdDir = std::string("/proc/") + pid + "/fd";
    std::unique_ptr<DIR, DirCloser> fds(::opendir(fdDir.c_str()));
    if (!fds)
        return false;
    char link[64];
    while (dirent *fd = ::readdir(fds.get())) {
        if (--budget < 0)
            return false;
        const std::string path = fdDir + "/" + fd->d_name;
        ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
        if (n > 0 && target.compare(0, std::string::npos, link, size_t(n)) == 0)
            return true;
    }
    return false;
}

} // namespace

std::string describeProcess(pid_t pid)
{
    std::string name;
    UniqueFd comm(::open(("/proc/" + std::to_string(pid) + "/comm").c_str(), O_RDONLY | O_CLOEXEC));
    char buf[64];
    ssize_t n = comm.valid() ? ::read(comm.get(), buf, sizeof buf) : -1;
    if (n > 0)
        name.assign(buf, size_t(n));
    while (!name.empty() && name.back() == '\n')
        name.pop_back();
    return (name.empty() ? std::string("?") : name) + " (pid " + std::to_string(pid) + ")";
}

pid_t udpSocketOwner(bool v6, uint16_t port)
{
    const unsigned long inode = port ? udpSocketInode(v6, port) : 0;
    if (inode == 0)
        return 0;
    const std::string target = "socket:[" + std::to_string(inode) + "]";
    std::unique_ptr<DIR, DirCloser> proc(::opendir("/proc"));
    if (!proc)
        return 0;
    int budget = kMaxLookups;
    while (dirent *entry = ::readdir(proc.get())) {
        if (--budget < 0)
            return 0;
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid > 1 && *end == '\0' && holdsSocket(entry->d_name, target, budget))
            return pid_t(pid);
    }
    return 0;
}

} // namespace paddock::init
