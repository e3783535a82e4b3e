#include "listening_ports.h"

#include "paddock/wire/egress_messages.h"

#include <QFile>
#include <QHostAddress>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <optional>

namespace paddock::sandbox {

namespace {

constexpr QByteArrayView kListenState = "0A"; // TCP_LISTEN, include/net/tcp_states.h

// Exactly `digits` hex digits, nothing else: a table line is fixed-width.
std::optional<quint32> hexWord(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 8)
        return std::nullopt;
    quint32 value = 0;
    for (char c : text) {
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0)
            return std::nullopt;
        value = value << 4 | quint32(digit);
    }
    return value;
}

// The kernel prints each 32-bit word of the address, which is in network
// byte order in memory, as a native integer in hex (net/ipv4/tcp_ipv4.c,
// get_tcp4_sock): the word's native bytes are the address's bytes.
std::optional<QHostAddress> address(QByteArrayView hex, bool v6)
{
    if (hex.size() != (v6 ? 32 : 8))
        return std::nullopt;
    quint8 raw[16] = {};
    for (qsizetype word = 0; word < hex.size() / 8; ++word) {
        auto w = hexWord(hex.sliced(word * 8, 8));
        if (!w)
            return std::nullopt;
        std::memcpy(raw + word * 4, &*w, 4);
    }
    if (!v6) {
        quint32 v4;
        std::memcpy(&v4, raw, 4);
        return QHostAddress(qFromBigEndian(v4));
    }
    // ::ffff:a.b.c.d reads as a.b.c.d; "::" stays "::" (QHostAddress would
    // call it 0.0.0.0 too, which is another socket).
    static constexpr quint8 kMappedPrefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (std::memcmp(raw, kMappedPrefix, sizeof kMappedPrefix) == 0) {
        quint32 v4;
        std::memcpy(&v4, raw + 12, 4);
        return QHostAddress(qFromBigEndian(v4));
    }
    return QHostAddress(raw);
}

// "0100007F:1F90" → 127.0.0.1, 8080.
std::optional<ListeningPort> endpoint(QByteArrayView field, bool v6)
{
    const qsizetype colon = field.indexOf(':');
    if (colon < 0 || field.size() - colon - 1 != 4)
        return std::nullopt;
    auto addr = address(field.first(colon), v6);
    auto port = hexWord(field.sliced(colon + 1));
    if (!addr || !port)
        return std::nullopt;
    return ListeningPort { addr->toString(), quint16(*port) };
}

bool lessThan(const ListeningPort &a, const ListeningPort &b)
{
    return a.port != b.port ? a.port < b.port : a.address < b.address;
}

// Fields of one line, split on blanks, at most `max`: a long line of
// garbage costs its length once, nothing more.
QList<QByteArrayView> fields(QByteArrayView line, int max)
{
    QList<QByteArrayView> out;
    qsizetype at = 0;
    while (out.size() < max) {
        while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
            ++at;
        if (at >= line.size())
            break;
        qsizetype end = at;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t')
            ++end;
        out.append(line.sliced(at, end - at));
        at = end;
    }
    return out;
}

bool isInterceptionListener(const ListeningPort &p)
{
    return p.port == wire::kInterceptPort && (p.address == QLatin1String("127.0.0.1") || p.address == QLatin1String("::1"));
}

} // namespace

void parseListeningSockets(QByteArrayView table, bool v6, ListeningPorts &into)
{
    qsizetype at = 0;
    while (at < table.size()) {
        qsizetype end = table.indexOf('\n', at);
        if (end < 0)
            end = table.size();
        const QList<QByteArrayView> f = fields(table.sliced(at, end - at), 4);
        at = end + 1;
        // sl local_address rem_address st …
        if (f.size() < 4 || f[3] != kListenState)
            continue;
        auto p = endpoint(f[1], v6);
        if (!p)
            continue;
        auto pos = std::lower_bound(into.ports.begin(), into.ports.end(), *p, lessThan);
        if (pos != into.ports.end() && pos->port == p->port && pos->address == p->address)
            continue; // SO_REUSEPORT: several sockets, one port
        if (into.ports.size() >= kMaxListeningPorts) {
            into.complete = false;
            continue;
        }
        into.ports.insert(pos, *p);
    }
}

ListeningPorts readListeningPorts(qint64 pid)
{
    ListeningPorts out;
    if (pid <= 0)
        return out;
    for (bool v6 : { false, true }) {
        QFile table(QStringLiteral("/proc/%1/net/%2").arg(pid).arg(v6 ? QStringLiteral("tcp6") : QStringLiteral("tcp")));
        if (!table.open(QIODevice::ReadOnly))
            continue; // tcp6 is missing where IPv6 is off
        out.known = true;
        // The table is produced as it is read: read() in a loop up to the bound.
        QByteArray bytes;
        while (bytes.size() < kMaxSocketTableBytes) {
            const QByteArray chunk = table.read(kMaxSocketTableBytes - bytes.size());
            if (chunk.isEmpty())
                break;
            bytes += chunk;
        }
        if (bytes.size() >= kMaxSocketTableBytes) {
            out.complete = false;
            bytes.truncate(bytes.lastIndexOf('\n') + 1); // no half line
        }
        parseListeningSockets(bytes, v6, out);
    }
    out.ports.removeIf(isInterceptionListener);
    return out;
}

} // namespace paddock::sandbox
