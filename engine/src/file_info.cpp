// Names and paths of paddock/files.h, shared by the engine and the CLI.
#include "paddock/file_watch.h"
#include "paddock/files.h"

namespace paddock {

QString fileKindName(FileKind kind)
{
    switch (kind) {
    case FileKind::File: return QStringLiteral("file");
    case FileKind::Directory: return QStringLiteral("directory");
    case FileKind::Symlink: return QStringLiteral("symlink");
    case FileKind::Other: break;
    }
    return QStringLiteral("other");
}

QString fileChangeName(FileChange change)
{
    switch (change) {
    case FileChange::Created: return QStringLiteral("created");
    case FileChange::Modified: return QStringLiteral("modified");
    case FileChange::Deleted: return QStringLiteral("deleted");
    case FileChange::Moved: break;
    }
    return QStringLiteral("moved");
}

QString sandboxPath(const QString &path)
{
    if (path.startsWith(QLatin1Char('/')))
        return path;
    return QStringLiteral("/root/") + path;
}

} // namespace paddock
