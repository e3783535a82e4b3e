// The engine's end of a sandbox's files helpers. Short requests (stat,
// list, mkdir, remove, rename) share one connection per running sandbox
// (made on first use, remade if the helper went away), answered in order.
// Uploads, downloads and watches each get a connection and a helper of
// their own, so a long transfer or a watch holds up nobody else. Every
// request has a deadline (request_deadlines.h): a helper the workload has
// stopped fails it with a timeout, and is replaced on the next request. Owned by
// the sandbox's runtime (its QObject parent), so it goes when the sandbox
// stops.
//
// Thread ownership: the engine thread.
#pragma once

#include "sandbox/init_connection.h"

#include "paddock/engine.h"
#include "paddock/file_download.h"
#include "paddock/file_upload.h"
#include "paddock/file_watch.h"
#include "paddock/files.h"

#include <QObject>

#include <memory>
#include <optional>

namespace paddock::wire {
struct Frame;
}

namespace paddock::files {

class SandboxFiles : public QObject {
    Q_OBJECT
public:
    SandboxFiles(QString socketPath, QObject *parent);
    ~SandboxFiles() override;

    void stat(const QString &path, Callback<FileInfo> done);
    void list(const QString &path, Callback<QList<FileInfo>> done);
    void makeDirectory(const QString &path, bool parents, Callback<void> done);
    void remove(const QString &path, bool recursive, Callback<void> done);
    void rename(const QString &from, const QString &to, Callback<void> done);
    // `errorContext` prefixes the errors they report later ("sandbox 'web'").
    Result<FileUpload *> openUpload(const QString &path, uint mode, const QString &errorContext);
    Result<FileDownload *> openDownload(const QString &path, const QString &errorContext);
    // A new subscriber to the tree at `path` (one shared TreeWatch per
    // path and excludes). The caller owns the FileWatch.
    Result<FileWatch *> watch(const QString &path, const QStringList &excludes, std::optional<quint64> since);

private:
    using Handler = std::function<bool(const wire::Frame &)>;
    using Sender = std::function<void(sandbox::InitConnection &, Handler)>;

    Result<sandbox::InitConnection *> connection();
    // Sends through `sender`; should the connection turn out dead before
    // any answer (the helper was killed from inside), sends once more on a
    // new one. Connection failures go to `failed`, frames to `handler`.
    void issue(Sender sender, Handler handler, std::function<void(const Error &)> failed, bool retried = false);
    template<typename Message>
    void simpleRequest(uint8_t type, const Message &m, sandbox::InitConnection::Deadline deadline, Callback<void> done);

    QString m_socketPath;
    std::unique_ptr<sandbox::InitConnection> m_conn;
};

} // namespace paddock::files
