// Copies between host files and a sandbox, of any size, without holding the
// UI thread or the whole content: the host side is read and written on a
// worker thread of its own, the sandbox side streams through the engine's
// FileUpload / FileDownload on the engine thread, with flow control both
// ways (a slow disk or a slow sandbox holds the other back, never memory).
//
// Threads: FileTransfers lives on the UI thread; each transfer's host end
// (HostReader / HostWriter, file_transfers.cpp) on m_worker; the engine's
// stream objects on the engine thread. They talk by queued calls only.
#pragma once

#include "engine_bridge.h"

#include <QObject>
#include <QThread>

#include <functional>

namespace paddock::ui {

class FileTransfers : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(Result<void>)>;

    explicit FileTransfers(EngineBridge &engine, QObject *parent = nullptr);
    ~FileTransfers() override; // unfinished transfers are dropped: no half file is put in place

    // Host file → `target` in the sandbox, put in place whole at the end.
    void upload(const QString &sandboxId, const QString &hostPath, const QString &target, uint mode, Done done);
    // `path` in the sandbox → host file, written whole or not at all.
    void download(const QString &sandboxId, const QString &path, const QString &hostPath, Done done);
    int running() const { return m_running; }

Q_SIGNALS:
    // At most every ~100 ms per transfer; total < 0 when not known.
    void progress(const QString &what, qint64 done, qint64 total);
    void allDone();

private:
    void finished(const Done &done, const Result<void> &r);

    EngineBridge &m_engine;
    QThread m_worker;
    int m_running = 0;
};

} // namespace paddock::ui
