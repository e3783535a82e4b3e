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
QString socketInode(const QString &pidDir, const Endpoint &client, const Endpoint &dialled)
{
    bool isV4 = false;
    client.address.toIPv4Address(&isV4);
    QFile table(pidDir + (isV4 ? QStringLiteral("/net/tcp") : QStringLiteral("/net/tcp6")));
    if (!table.open(QIODevice::ReadOnly))
        return {};
    const QString local = procAddress(client.address, client.port);
    const QString remote = procAddress(dialled.address, dialled.port);
    table.readLine(); // header
    while (!table.atEnd()) {
        const QStringList cols = QString::fromLatin1(table.readLine()).simplified().split(u' ');
        // A closed socket of an earlier connection from the same port lingers
        // in TIME_WAIT with inode 0: only a live one counts.
        if (cols.size() > 9 && cols[1] == local && cols[2] == remote && cols[9] != QLatin1String("0"))
            return cols[9];
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

// Whether the process at `pidDir` has `target` ("socket:[123]") open. A
// workload may hold thousands of descriptors: one readlinkat(2) each.
bool holdsSocket(const QString &pidDir, const QByteArray &target)
{
    const Dir fds(::opendir(QFile::encodeName(pidDir + QStringLiteral("/fd")).constData()));
    if (!fds)
        return false;
    while (const dirent *e = ::readdir(fds.get())) {
        char link[64];
        const ssize_t n = e->d_name[0] == '.' ? -1 : ::readlinkat(::dirfd(fds.get()), e->d_name, link, sizeof link);
        if (n == target.size() && std::memcmp(link, target.constData(), size_t(n)) == 0)
            return true;
    }
    return false;
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
    QString inode;
    for (const QString &dir : members)
        if (!(inode = socketInode(dir, client, dialled)).isEmpty())
            break;
    if (inode.isEmpty() || inode == QStringLiteral("0"))
        return {};
    const QByteArray target = QStringLiteral("socket:[%1]").arg(inode).toLatin1();
    for (const QString &dir : members)
        if (holdsSocket(dir, target))
            return describeProcess(dir);
    return {};
}

} // namespace paddock::egress
