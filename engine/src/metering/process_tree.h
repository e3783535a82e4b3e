// A sandbox's processes seen from the host's /proc: every process whose
// parent chain leads to the sandbox's PID 1. Orphans inside are re-parented
// to that PID 1 (it is their pid namespace's init), so the walk finds all.
//
// What a sandbox chooses here is attacker data: command names may hold
// spaces, parentheses and newlines (the stat line is split at its LAST
// ')'), and a fork bomb may make the table large (the scan is bounded).
#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

namespace paddock::metering {

// One line of /proc/PID/stat, the fields metering needs (proc(5)).
struct ProcStat {
    qint64 pid = 0;
    qint64 ppid = 0;
    QByteArray comm;
    qint64 ownTicks = 0; // utime + stime: the process's threads, live and gone
    qint64 reapedTicks = 0; // cutime + cstime: children it waited for
    qint64 rssPages = 0;
};

std::optional<ProcStat> parseProcStat(const QByteArray &line);

struct TreeUsage {
    bool found = false; // the root process was there
    qint64 cpuNs = 0;
    qint64 rssBytes = 0;
    qint64 processes = 0;
};

// The root's tree in a list of stat lines (any order).
TreeUsage sumProcessTree(const QList<ProcStat> &table, qint64 rootPid);

// Every process of the host, at most `maxProcesses` of them.
QList<ProcStat> readProcessTable(int maxProcesses = 1 << 16);

} // namespace paddock::metering
