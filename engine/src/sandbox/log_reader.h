// Feeds a LogStream from a background process's log in the sandbox's logs
// directory: what is there now, then, when following, what is appended
// (inotify via QFileSystemWatcher) until the process ends.
//
// paddock-init rotates a log (<procId>.log → <procId>.log.1) and drops the
// oldest parts at the sandbox's cap (init/process_logs.h). Each part is
// labelled with the offset of its first byte in the process's output, so
// the reader goes from part to part by offset — older first, across any
// number of rotations while it follows — and says (LogStream::dropped)
// how much it could not read because it was dropped before it got there.
// A log of an older paddock-init has no label: one part from offset 0.
// A LogRange moves the start (the tail, or any offset) and the end.
#pragma once

#include "paddock/log_stream.h"
#include "paddock/unique_fd.h"

#include <QFileSystemWatcher>

#include <sys/types.h>

namespace paddock::sandbox {

class LogReader : public QObject {
    Q_OBJECT
public:
    // The reader is owned by `stream`. With follow, call processEnded() when
    // the process has ended to flush the rest and finish.
    LogReader(const QString &logsDir, const QString &procId, bool follow, LogStream *stream,
              const LogRange &range = {});
    void processEnded();

private:
    struct Part {
        UniqueFd fd;
        qint64 start = 0; // offset of its first byte in the process's output
        qint64 size = 0;
        dev_t device = 0;
        ino_t inode = 0;
        bool sealed = false; // no longer the current part: it will not grow
    };

    void begin();
    void readAvailable();
    bool openNext();
    bool isCurrent(const Part &part) const;
    void watch();
    void finish();

    QString m_current; // <procId>.log
    QString m_rotated; // <procId>.log.1
    QString m_dir;
    Part m_part; // the part being read, if any
    qint64 m_position = 0; // offset of the next byte to deliver
    LogRange m_range;
    QFileSystemWatcher m_watcher;
    LogStream *m_stream;
    bool m_follow;
    bool m_done = false;
};

} // namespace paddock::sandbox
