// Feeds a LogStream from a process's log file: what is there now, then, when
// following, what is appended (inotify via QFileSystemWatcher) until the
// process ends.
#pragma once

#include "paddock/log_stream.h"

#include <QFile>
#include <QFileSystemWatcher>

namespace paddock::sandbox {

class LogReader : public QObject {
    Q_OBJECT
public:
    // The reader is owned by `stream`. With follow, call processEnded() when
    // the process has ended to flush the rest and finish.
    LogReader(const QString &path, bool follow, LogStream *stream);
    void processEnded();

private:
    void readAvailable();
    void finish();

    QFile m_file;
    QFileSystemWatcher m_watcher;
    LogStream *m_stream;
    bool m_follow;
    bool m_done = false;
};

} // namespace paddock::sandbox
