#include "socket_owner.h"

#include <QFile>
#include <QtEndian>

#include <dirent.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>

namespace paddock::egress {

namespace {

// The sandbox decides how many sockets and descriptors there are to search:
// one lookup reads at most this much of its socket table and this many
// descriptors, so its cost is bounded whatever the sandbox holds (a socket
// beyond either is simply not named).
constexpr qint64 kMaxTableBytes = 1024 * 1024; // ~6,800 sockets
constexpr int kMaxDescriptors = 4096;

// /proc/net/tcp prints each 32-bit word of an address, kept in network
// byte order in memory, as a native integer in hex.
QString procAddress(const QHostAddress &a, quint16 port)
{
    bool isV4 = false;
    quint32 v4 = a.toIPv4Address(&isV4);
    QString hex;
    if (isV4) {
        hex = QStringLiteral("%1").arg(qToBigEndian(v4), 8, 16, QLatin1Char('0'));
    } else {
        Q_IPV6ADDR raw = a.toIPv6Address();
        for (int word = 0; word < 4; ++word) {
            quint32 w;
            std::memcpy(&w, raw.c + word * 4, 4);
            hex += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
        }
    }
    return hex.toUpper() + u':' + QStringLiteral("%1").arg(port, 4, 16, QLatin1Char('0')).toUpper();
}

// Both ends: one source port may serve several destinations at once.
// Every member of the namespace shows the same table: the first that can
// be read is searched. Its lines are fixed-width: the pair is found as bytes.
QByteArray socketInode(const QStringList &members, const Endpoint &client, const Endpoint &dialled)
{
    bool isV4 = false;
    client.address.toIPv4Address(&isV4);
    QFile table;
    for (const QString &dir : members) {
        table.setFileName(dir + (isV4 ? QStringLiteral("/net/tcp") : QStringLiteral("/net/tcp6")));
        if (table.open(QIODevice::ReadOnly))
            break;
    }
    if (!table.isOpen())
        return {};
    const QByteArray lines = table.read(kMaxTableBytes);
    const QByteArray pair = ' ' + procAddress(client.address, client.port).toLatin1() + ' '
        + procAddress(dialled.address, dialled.port).toLatin1() + ' ';
    for (qsizetype at = lines.indexOf(pair); at >= 0; at = lines.indexOf(pair, at + 1)) {
        const qsizetype end = lines.indexOf('\n', at);
        const QList<QByteArray> cols = lines.mid(at, end < 0 ? -1 : end - at).simplified().split(' ');
        // After the pair: st tx:rx tr:when retrnsmt uid timeout inode. A
        // closed socket of an earlier connection from the same port lingers
        // in TIME_WAIT with inode 0: only a live one counts.
        if (cols.size() > 8 && cols[8] != "0")
            return cols[8];
    }
    return {};
}

struct CloseDir {
    void operator()(DIR *d) const { ::closedir(d); }
};
using Dir = std::unique_ptr<DIR, CloseDir>;

// The processes in network namespace `netNamespace`, as "/proc/<pid>".
// Plain readdir(3) and fstatat(2): this runs on the engine thread for
// every looked-up connection, and /proc lists every process of the host.
QStringList namespaceMembers(quint64 netNamespace)
{
    QStringList members;
    const Dir proc(::opendir("/proc"));
    if (!proc)
        return members;
    while (const dirent *e = ::readdir(proc.get())) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char nsPath[sizeof e->d_name + 8];
        std::snprintf(nsPath, sizeof nsPath, "%s/ns/net", e->d_name);
        struct stat st {};
        if (::fstatat(::dirfd(proc.get()), nsPath, &st, 0) == 0 && quint64(st.st_ino) == netNamespace)
            members << QStringLiteral("/proc/") + QLatin1String(e->d_name);
    }
    return members;
}

// Whether a descriptor in `fdDir` links to `target`; each one looked at
// takes one from `budget`.
bool holdsLink(const QString &fdDir, const QByteArray &target, int &budget)
{
    const Dir dir(::opendir(QFile::encodeName(fdDir).constData()));
    if (!dir)
        return false;
    bool found = false;
    char buf[64];
    while (!found && budget > 0) {
        const dirent *e = ::readdir(dir.get());
        if (!e)
            break;
        if (e->d_name[0] == '.')
            continue;
        --budget;
        const ssize_t n = ::readlinkat(::dirfd(dir.get()), e->d_name, buf, sizeof buf);
        found = n == target.size() && std::memcmp(buf, target.constData(), size_t(n)) == 0;
    }
    return found;
}

QString describeProcess(const QString &pidDir)
{
    QFile comm(pidDir + QStringLiteral("/comm"));
    QString name = comm.open(QIODevice::ReadOnly) ? QString::fromUtf8(comm.readAll()).trimmed() : QString();
    QFile status(pidDir + QStringLiteral("/status"));
    QString nsPid;
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("NSpid:"))
                nsPid = QString::fromLatin1(line.mid(6)).simplified().section(u' ', -1);
    }
    return QStringLiteral("%1 (pid %2)").arg(name, nsPid);
}

} // namespace

quint64 socketNetNamespace(int socketFd)
{
    // SIOCGSKNS: the namespace a socket belongs to, as an fd (the engine owns
    // the sandbox's user namespace, so it may ask).
    int ns = ::ioctl(socketFd, SIOCGSKNS);
    if (ns < 0)
        return 0;
    struct stat st {};
    const bool ok = ::fstat(ns, &st) == 0;
    ::close(ns);
    return ok ? quint64(st.st_ino) : 0;
}

QString findSocketOwner(quint64 netNamespace, const Endpoint &client, const Endpoint &dialled)
{
    if (netNamespace == 0)
        return {};
    // PID 1 is not dumpable: its /proc entries are closed to us, the
    // workload's are not. Any of them shows the namespace's socket table.
    const QStringList members = namespaceMembers(netNamespace);
    const QByteArray inode = socketInode(members, client, dialled);
    if (inode.isEmpty())
        return {};
    const QByteArray target = "socket:[" + inode + ']';
    int budget = kMaxDescriptors;
    for (qsizetype i = 0; i < members.size() && budget > 0; ++i)
        if (holdsLink(members[i] + QStringLiteral("/fd"), target, budget))
            return describeProcess(members[i]);
    return {};
}

} // namespace paddock::egress
