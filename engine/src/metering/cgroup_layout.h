// Where the engine's own cgroups are, per hierarchy: the place Paddock
// makes its sandboxes' cgroups under, and the map that turns a process's
// /proc/PID/cgroup into directories.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

namespace paddock::metering {

struct CgroupMount {
    QString mountPoint; // e.g. /sys/fs/cgroup/memory
    QString root; // the hierarchy's path mounted there (usually "/")
};

struct CgroupLayout {
    // The v2 hierarchy (the line "0::PATH"); empty mountPoint: not mounted.
    CgroupMount v2;
    QHash<QString, CgroupMount> v1; // by controller: "cpu", "memory", …
    QString v2Path; // the engine's own cgroup in v2
    QHash<QString, QString> v1Paths; // the engine's own, by controller

    // A hierarchy path as a directory on this host; empty when the path
    // lies outside what is mounted (a cgroup namespace above ours).
    static QString directory(const CgroupMount &mount, const QString &path);
};

// Both files as the kernel prints them (cgroups(7), proc(5)).
CgroupLayout parseCgroupLayout(const QByteArray &procCgroup, const QByteArray &mountInfo);
CgroupLayout currentCgroupLayout();

// A process's cgroup per hierarchy ("" for v2), from its /proc/PID/cgroup.
QHash<QString, QString> parseProcessCgroups(const QByteArray &procCgroup);

} // namespace paddock::metering
