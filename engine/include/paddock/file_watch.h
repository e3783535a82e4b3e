// Live changes of a directory tree in a sandbox (Engine::watchFiles).
//
// Every change carries a version, increasing per watched tree. A client
// that reconnects passes the last version it saw and receives what it
// missed, or, when that has aged out (or events were lost to a kernel queue
// overflow), a resync: the whole tree as it is now. Nothing is lost
// silently. Delete the FileWatch to stop watching; several watches of the
// same tree share one set of kernel watches.
#pragma once

#include "paddock/error.h"
#include "paddock/files.h"

#include <QList>
#include <QObject>

namespace paddock {

enum class FileChange { Created, Modified, Deleted, Moved };

struct FileEvent {
    quint64 version = 0;
    FileChange change = FileChange::Created;
    QString path; // absolute in the sandbox
    QString fromPath; // Moved only
    bool directory = false;
};

struct TreeSnapshot {
    quint64 version = 0; // the tree as of this version; events after it follow
    QList<FileInfo> entries; // `name` is each entry's absolute path
    QString reason; // why: "requested", "events were lost: …", "version N has aged out"
};

QString fileChangeName(FileChange change); // "created", "modified", "deleted", "moved"

class FileWatch : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    // Watching: changes after `version` follow.
    void ready(quint64 version);
    void changed(const QList<paddock::FileEvent> &events);
    void resynced(const paddock::TreeSnapshot &snapshot);
    // The watch ended (the sandbox stopped, the tree was deleted, …).
    void failed(const paddock::Error &error);
};

} // namespace paddock
