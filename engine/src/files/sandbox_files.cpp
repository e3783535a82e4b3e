#include "sandbox_files.h"

#include "sandbox_download.h"
#include "sandbox_upload.h"
#include "tree_watch.h"

#include "sandbox/init_connection.h"

#include "paddock/wire/file_messages.h"

#include <QPointer>
#include <QTimer>

#include <cerrno>

namespace paddock::files {

namespace {

using wire::FileRequest;

Error olderInitError()
{
    return Error { ErrorCode::Protocol, QStringLiteral("this sandbox's paddock-init predates file access "
                                                       "(started by an older Paddock): restart the sandbox") };
}

ErrorCode codeForErrno(int err)
{
    switch (err) {
    case ENOENT: return ErrorCode::NotFound;
    case EEXIST:
    case ENOTEMPTY:
    case EBUSY: return ErrorCode::Conflict;
    case EACCES:
    case EPERM:
    case EROFS: return ErrorCode::PermissionDenied;
    case EINVAL:
    case EISDIR:
    case ENOTDIR:
    case ELOOP:
    case EXDEV:
    case ENAMETOOLONG:
    case ENOSPC:
    case EFBIG: return ErrorCode::InvalidArgument;
    case ECONNRESET: return ErrorCode::NotRunning;
    default: return ErrorCode::Io;
    }
}

Error failedError(const wire::Frame &f)
{
    wire::Failed failed;
    if (!wire::decodeMessage(f, failed))
        return Error { ErrorCode::Protocol, QStringLiteral("malformed answer from the files helper") };
    if (failed.error == EPROTO) // PID 1 itself answered: it has no files helper to hand over to
        return olderInitError();
    return Error { codeForErrno(failed.error), QString::fromStdString(failed.message), {}, failed.error };
}

bool is(const wire::Frame &f, FileRequest type) { return f.type == uint8_t(type); }
bool isFailed(const wire::Frame &f) { return f.type == uint8_t(wire::Type::Failed); }

Error protocolError() { return Error { ErrorCode::Protocol, QStringLiteral("unexpected answer from the files helper") }; }

FileInfo toFileInfo(const wire::FileInfo &w)
{
    FileInfo info;
    info.name = QString::fromStdString(w.name);
    switch (w.kind) {
    case wire::FileKind::File: info.kind = FileKind::File; break;
    case wire::FileKind::Directory: info.kind = FileKind::Directory; break;
    case wire::FileKind::Symlink: info.kind = FileKind::Symlink; break;
    case wire::FileKind::Other: info.kind = FileKind::Other; break;
    }
    info.mode = w.mode;
    info.size = qint64(w.size);
    info.modified = QDateTime::fromMSecsSinceEpoch(w.mtimeNs / 1000000, Qt::UTC);
    info.linkTarget = QString::fromStdString(w.linkTarget);
    return info;
}

std::string wirePath(const QString &path) { return sandboxPath(path).toStdString(); }

// What InitConnection hands pending requests when the connection ends.
bool isConnectionLost(const wire::Frame &f)
{
    wire::Failed failed;
    return isFailed(f) && wire::decodeMessage(f, failed) && failed.error == ECONNRESET;
}

// Answers that end a request: an Ack, or a failure.
bool finishSimple(const wire::Frame &f, const Callback<void> &done)
{
    if (isFailed(f))
        done(tl::unexpected(failedError(f)));
    else if (f.type == uint8_t(wire::Type::Ack))
        done({});
    else
        done(tl::unexpected(protocolError()));
    return true;
}

} // namespace

SandboxFiles::SandboxFiles(QString socketPath, QObject *parent) : QObject(parent), m_socketPath(std::move(socketPath)) { }

SandboxFiles::~SandboxFiles()
{
    if (m_conn)
        m_conn->close(); // pending requests learn that no answer will come
}

Result<sandbox::InitConnection *> SandboxFiles::connection()
{
    // The helper may have been killed from inside since the last request:
    // start a new one rather than fail.
    if (m_conn && m_conn->isOpen() && !m_conn->peerHungUp())
        return m_conn.get();
    if (auto old = std::move(m_conn))
        old->close(); // whatever was still waiting learns it will get no answer
    auto conn = sandbox::InitConnection::connectTo(m_socketPath, 3000, wire::kFilesRole);
    if (!conn)
        return tl::unexpected(conn.error());
    m_conn = std::move(*conn);
    return m_conn.get();
}

void SandboxFiles::issue(Sender sender, Handler handler, std::function<void(const Error &)> failed, bool retried)
{
    auto conn = connection();
    if (!conn)
        return failed(conn.error());
    auto answered = std::make_shared<bool>(false);
    QPointer<SandboxFiles> self(this);
    sender(**conn, [self, sender, handler, failed, retried, answered](const wire::Frame &f) {
        if (!*answered && !retried && isConnectionLost(f)) {
            // Later, from the event loop: the connection is mid-teardown now.
            QTimer::singleShot(0, [self, sender, handler, failed] {
                if (self)
                    self->issue(sender, handler, failed, true);
                else
                    failed(Error { ErrorCode::NotRunning, QStringLiteral("the sandbox stopped") });
            });
            return true;
        }
        *answered = true;
        return handler(f);
    });
}

template<typename Message>
void SandboxFiles::simpleRequest(uint8_t type, const Message &m, Callback<void> done)
{
    issue([type, m](sandbox::InitConnection &c, Handler h) { c.request(type, m, std::move(h)); },
          [done](const wire::Frame &f) { return finishSimple(f, done); },
          [done](const Error &e) { done(tl::unexpected(e)); });
}

void SandboxFiles::stat(const QString &path, Callback<FileInfo> done)
{
    wire::PathRequest req { wirePath(path) };
    issue([req](sandbox::InitConnection &c, Handler h) { c.request(FileRequest::Stat, req, std::move(h)); },
          [done](const wire::Frame &f) {
              wire::FileInfo info;
              if (isFailed(f))
                  done(tl::unexpected(failedError(f)));
              else if (is(f, FileRequest::FileInfo) && wire::decodeMessage(f, info))
                  done(toFileInfo(info));
              else
                  done(tl::unexpected(protocolError()));
              return true;
          },
          [done](const Error &e) { done(tl::unexpected(e)); });
}

void SandboxFiles::list(const QString &path, Callback<QList<FileInfo>> done)
{
    wire::PathRequest req { wirePath(path) };
    auto entries = std::make_shared<QList<FileInfo>>();
    issue([req](sandbox::InitConnection &c, Handler h) { c.request(FileRequest::ListDir, req, std::move(h)); },
          [done, entries](const wire::Frame &f) {
              wire::DirChunk chunk;
              if (isFailed(f)) {
                  done(tl::unexpected(failedError(f)));
                  return true;
              }
              if (!is(f, FileRequest::DirChunk) || !wire::decodeMessage(f, chunk)) {
                  done(tl::unexpected(protocolError()));
                  return true;
              }
              for (const auto &e : chunk.entries)
                  entries->append(toFileInfo(e));
              if (chunk.last)
                  done(std::move(*entries));
              return chunk.last;
          },
          [done](const Error &e) { done(tl::unexpected(e)); });
}

void SandboxFiles::read(const QString &path, std::function<void(const QByteArray &)> chunk, Callback<qint64> done)
{
    wire::PathRequest req { wirePath(path) };
    auto received = std::make_shared<qint64>(0);
    issue([req](sandbox::InitConnection &c, Handler h) { c.request(FileRequest::ReadFile, req, std::move(h)); },
          [chunk, done, received](const wire::Frame &f) {
              wire::FileData data;
              wire::FileEnd end;
              if (is(f, FileRequest::FileData) && wire::decodeMessage(f, data)) {
                  *received += qint64(data.data.size());
                  chunk(QByteArray::fromStdString(data.data));
                  return false;
              }
              if (is(f, FileRequest::FileEnd) && wire::decodeMessage(f, end) && qint64(end.size) == *received)
                  done(*received);
              else if (isFailed(f))
                  done(tl::unexpected(failedError(f)));
              else
                  done(tl::unexpected(protocolError()));
              return true;
          },
          [done](const Error &e) { done(tl::unexpected(e)); });
}

void SandboxFiles::write(const QString &path, const QByteArray &data, uint mode, Callback<void> done)
{
    if (mode > 07777)
        return done(fail(ErrorCode::InvalidArgument, QStringLiteral("mode %1 is not a permission mode").arg(mode, 0, 8)));
    wire::WriteFile req { wirePath(path), mode };
    issue(
        [req, data](sandbox::InitConnection &c, Handler h) {
            uint32_t tag = c.request(FileRequest::WriteFile, req, std::move(h));
            for (qsizetype at = 0; at < data.size(); at += qsizetype(wire::kMaxChunk))
                c.sendWithTag(FileRequest::FileData, tag, wire::FileData { data.mid(at, qsizetype(wire::kMaxChunk)).toStdString() });
            c.sendWithTag(FileRequest::FileEnd, tag, wire::FileEnd { uint64_t(data.size()) });
        },
        [done](const wire::Frame &f) { return finishSimple(f, done); },
        [done](const Error &e) { done(tl::unexpected(e)); });
}

void SandboxFiles::makeDirectory(const QString &path, bool parents, Callback<void> done)
{
    simpleRequest(uint8_t(FileRequest::MakeDir), wire::PathWithFlag { wirePath(path), parents }, std::move(done));
}

void SandboxFiles::remove(const QString &path, bool recursive, Callback<void> done)
{
    simpleRequest(uint8_t(FileRequest::Remove), wire::PathWithFlag { wirePath(path), recursive }, std::move(done));
}

void SandboxFiles::rename(const QString &from, const QString &to, Callback<void> done)
{
    simpleRequest(uint8_t(FileRequest::Rename), wire::Rename { wirePath(from), wirePath(to) }, std::move(done));
}

Result<FileUpload *> SandboxFiles::openUpload(const QString &path, uint mode)
{
    if (mode > 07777)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("mode %1 is not a permission mode").arg(mode, 0, 8));
    auto conn = connection();
    if (!conn)
        return tl::unexpected(conn.error());
    return new SandboxUpload(*conn, wirePath(path), mode);
}

Result<FileDownload *> SandboxFiles::openDownload(const QString &path, const QString &errorContext)
{
    auto d = SandboxDownload::start(m_socketPath, wirePath(path), errorContext);
    if (!d)
        return tl::unexpected(d.error());
    return *d;
}

Result<FileWatch *> SandboxFiles::watch(const QString &path, const QStringList &excludes, std::optional<quint64> since)
{
    TreeWatch *tree = nullptr;
    for (TreeWatch *t : findChildren<TreeWatch *>(QString(), Qt::FindDirectChildrenOnly))
        if (t->path() == sandboxPath(path) && t->excludes() == excludes)
            tree = t;
    if (!tree) {
        auto fresh = std::make_unique<TreeWatch>(path, excludes, this);
        if (auto started = fresh->start(m_socketPath); !started)
            return tl::unexpected(started.error());
        tree = fresh.release();
    }
    auto *w = new FileWatch;
    tree->subscribe(w, since);
    return w;
}

} // namespace paddock::files
