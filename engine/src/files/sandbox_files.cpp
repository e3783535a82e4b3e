#include "sandbox_files.h"

#include "helper_answers.h"
#include "helper_connection.h"
#include "sandbox_download.h"
#include "sandbox_upload.h"
#include "tree_watch.h"

#include "sandbox/init_connection.h"
#include "sandbox/request_deadlines.h"

#include "paddock/wire/file_messages.h"

#include <QPointer>
#include <QTimer>

#include <cerrno>

namespace paddock::files {

namespace {

using wire::FileRequest;
using Deadline = sandbox::InitConnection::Deadline;

std::string wirePath(const QString &path) { return sandboxPath(path).toStdString(); }

// One answer, within the files helper's deadline.
Deadline answerWithin(int ms, const QString &what) { return Deadline { ms, ms, what }; }

// What InitConnection hands pending requests when the connection ends.
bool isConnectionLost(const wire::Frame &f)
{
    wire::Failed failed;
    return isFailed(f) && wire::decodeMessage(f, failed) && failed.error == ECONNRESET;
}

// Answers that end a request: an Ack, or a failure.
bool finishSimple(const wire::Frame &f, const Callback<void> &done)
{
    if (f.type == uint8_t(wire::Type::Ack))
        done({});
    else
        done(tl::unexpected(answerError(f)));
    return true;
}

// Where a request that never reached the helper reports.
template<typename T>
std::function<void(const Error &)> failTo(Callback<T> done)
{
    return [done = std::move(done)](const Error &e) { done(tl::unexpected(e)); };
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
    auto conn = connectToHelper(m_socketPath);
    if (!conn)
        return tl::unexpected(conn.error());
    m_conn = std::move(*conn);
    // A helper that let a request's deadline pass is stuck (the workload
    // can stop it): the next request gets a new helper, and whatever was
    // waiting behind the stuck one is sent again there (issue()).
    sandbox::InitConnection *stuck = m_conn.get();
    connect(stuck, &sandbox::InitConnection::answerOverdue, this, [this, stuck] {
        QTimer::singleShot(0, this, [this, stuck] {
            if (m_conn.get() == stuck)
                std::exchange(m_conn, nullptr)->close();
        });
    });
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
void SandboxFiles::simpleRequest(uint8_t type, const Message &m, Deadline deadline, Callback<void> done)
{
    issue([type, m, deadline](sandbox::InitConnection &c, Handler h) { c.request(type, m, std::move(h), deadline); },
          [done](const wire::Frame &f) { return finishSimple(f, done); },
          failTo(done));
}

void SandboxFiles::stat(const QString &path, Callback<FileInfo> done)
{
    wire::PathRequest req { wirePath(path) };
    const Deadline deadline = answerWithin(sandbox::deadlines::kFilesAnswerMs, QStringLiteral("stat ") + path);
    issue([req, deadline](sandbox::InitConnection &c, Handler h) {
              c.request(FileRequest::Stat, req, std::move(h), deadline);
          },
          [done](const wire::Frame &f) {
              wire::FileInfo info;
              if (isAnswer(f, FileRequest::FileInfo) && wire::decodeMessage(f, info))
                  done(toFileInfo(info));
              else
                  done(tl::unexpected(answerError(f)));
              return true;
          },
          failTo(done));
}

void SandboxFiles::list(const QString &path, Callback<QList<FileInfo>> done)
{
    wire::PathRequest req { wirePath(path) };
    auto entries = std::make_shared<QList<FileInfo>>();
    const Deadline deadline = answerWithin(sandbox::deadlines::kFilesAnswerMs, QStringLiteral("list ") + path);
    issue([req, deadline](sandbox::InitConnection &c, Handler h) {
              c.request(FileRequest::ListDir, req, std::move(h), deadline);
          },
          [done, entries](const wire::Frame &f) {
              wire::DirChunk chunk;
              if (!isAnswer(f, FileRequest::DirChunk) || !wire::decodeMessage(f, chunk)) {
                  done(tl::unexpected(answerError(f)));
                  return true;
              }
              for (const auto &e : chunk.entries)
                  entries->append(toFileInfo(e));
              if (chunk.last)
                  done(std::move(*entries));
              return chunk.last;
          },
          failTo(done));
}

void SandboxFiles::makeDirectory(const QString &path, bool parents, Callback<void> done)
{
    simpleRequest(uint8_t(FileRequest::MakeDir), wire::PathWithFlag { wirePath(path), parents },
                  answerWithin(sandbox::deadlines::kFilesAnswerMs, QStringLiteral("mkdir ") + path), std::move(done));
}

void SandboxFiles::remove(const QString &path, bool recursive, Callback<void> done)
{
    simpleRequest(uint8_t(FileRequest::Remove), wire::PathWithFlag { wirePath(path), recursive },
                  answerWithin(recursive ? sandbox::deadlines::kFilesRemoveMs : sandbox::deadlines::kFilesAnswerMs,
                               QStringLiteral("remove ") + path),
                  std::move(done));
}

void SandboxFiles::rename(const QString &from, const QString &to, Callback<void> done)
{
    simpleRequest(uint8_t(FileRequest::Rename), wire::Rename { wirePath(from), wirePath(to) },
                  answerWithin(sandbox::deadlines::kFilesAnswerMs, QStringLiteral("move %1 to %2").arg(from, to)),
                  std::move(done));
}

Result<FileUpload *> SandboxFiles::openUpload(const QString &path, uint mode, const QString &errorContext)
{
    if (mode > 07777)
        return fail(ErrorCode::InvalidArgument, QStringLiteral("mode %1 is not a permission mode").arg(mode, 0, 8));
    auto up = SandboxUpload::start(m_socketPath, wirePath(path), mode, errorContext);
    if (!up)
        return tl::unexpected(up.error());
    return *up;
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
