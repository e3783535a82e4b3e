#include "process_tree.h"

#include "paddock/unique_fd.h"

#include <QHash>

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace paddock::metering {

namespace {

qint64 ticksPerSecond()
{
    static const qint64 hz = std::max<long>(1, ::sysconf(_SC_CLK_TCK));
    return hz;
}

qint64 pageBytes()
{
    static const qint64 page = std::max<long>(1, ::sysconf(_SC_PAGESIZE));
    return page;
}

QByteArray readSmallFile(int dirFd, const char *name)
{
    UniqueFd fd(::openat(dirFd, name, O_RDONLY | O_CLOEXEC));
    if (!fd.valid())
        return {};
    char buf[1024];
    ssize_t n;
    do
        n = ::read(fd.get(), buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    return n > 0 ? QByteArray(buf, n) : QByteArray();
}

} // namespace

std::optional<ProcStat> parseProcStat(const QByteArray &line)
{
    const qsizetype open = line.indexOf('(');
    const qsizetype close = line.lastIndexOf(')');
    if (open <= 0 || close < open)
        return std::nullopt;
    ProcStat s;
    bool ok = false;
    s.pid = line.left(open).trimmed().toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    s.comm = line.mid(open + 1, close - open - 1);
    // After the name: field 3 (state) onwards, one space apart.
    const QList<QByteArray> f = line.mid(close + 2).split(' ');
    // f[0] is field 3; field N is f[N - 3].
    auto field = [&f](int n, bool &good) { return good ? f.value(n - 3).toLongLong(&good) : 0; };
    if (f.size() < 22)
        return std::nullopt;
    bool good = true;
    s.ppid = field(4, good);
    s.ownTicks = field(14, good) + field(15, good);
    s.reapedTicks = field(16, good) + field(17, good);
    s.rssPages = field(24, good);
    return good ? std::optional<ProcStat>(s) : std::nullopt;
}

TreeUsage sumProcessTree(const QList<ProcStat> &table, qint64 rootPid)
{
    QHash<qint64, QList<qsizetype>> children;
    qsizetype root = -1;
    for (qsizetype i = 0; i < table.size(); ++i) {
        children[table[i].ppid].append(i);
        if (table[i].pid == rootPid)
            root = i;
    }
    TreeUsage usage;
    if (root < 0)
        return usage;
    usage.found = true;
    // Each live process counts its own time and what it reaped; a process
    // that ended counted into its reaper's. Nothing is counted twice.
    qint64 ticks = 0;
    QList<qsizetype> todo { root };
    // Bounded by the table: a pid reused between two reads cannot loop it.
    for (qsizetype steps = 0; !todo.isEmpty() && steps < table.size(); ++steps) {
        const ProcStat &p = table[todo.takeLast()];
        ticks += p.ownTicks + p.reapedTicks;
        usage.rssBytes += p.rssPages * pageBytes();
        ++usage.processes;
        if (p.pid != 0)
            todo.append(children.value(p.pid));
    }
    usage.cpuNs = ticks * (1000000000 / ticksPerSecond());
    return usage;
}

QList<ProcStat> readProcessTable(int maxProcesses)
{
    QList<ProcStat> table;
    UniqueFd procFd(::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    DIR *dir = procFd.valid() ? ::fdopendir(::dup(procFd.get())) : nullptr;
    if (!dir)
        return table;
    while (dirent *e = ::readdir(dir)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        if (table.size() >= maxProcesses)
            break;
        const QByteArray path = QByteArray(e->d_name) + "/stat";
        if (auto s = parseProcStat(readSmallFile(procFd.get(), path.constData())))
            table.append(*s);
    }
    ::closedir(dir);
    return table;
}

} // namespace paddock::metering
