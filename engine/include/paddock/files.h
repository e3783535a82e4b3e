// A sandbox's files as the engine's API describes them.
//
// Paths are inside the sandbox: absolute, or relative to /root (the home of
// every command). Whatever a path holds (`..`, symlinks, /proc/self/root),
// it resolves inside the sandbox; nothing of the host is reachable.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace paddock {

enum class FileKind { File, Directory, Symlink, Other };

struct FileInfo {
    QString name; // the last component ("/" for the root)
    FileKind kind = FileKind::Other;
    uint mode = 0; // permission bits
    qint64 size = 0;
    QDateTime modified; // UTC
    QString linkTarget; // symlinks only
};

// The start of a file (Engine::readFileHead).
struct FileHead {
    QByteArray bytes; // at most the bound asked for
    bool complete = false; // false: the file goes on past `bytes` (maybe without end)
};

QString fileKindName(FileKind kind); // "file", "directory", "symlink", "other"

// The path the engine hands to the sandbox: "notes.txt" → "/root/notes.txt".
QString sandboxPath(const QString &path);

} // namespace paddock
