#include "sandbox_download.h"

#include "helper_answers.h"
#include "helper_connection.h"

#include "sandbox/request_deadlines.h"

#include "paddock/wire/file_messages.h"

namespace paddock::files {

namespace {

using wire::FileRequest;

// What the connection may hold unread while paused; beyond it the helper
// waits in send().
constexpr qint64 kReadBuffer = 1024 * 1024;

} // namespace

Result<SandboxDownload *> SandboxDownload::start(const QString &socketPath, const std::string &path, const QString &context)
{
    auto conn = connectToHelper(socketPath);
    if (!conn)
        return tl::unexpected(conn.error());
    auto *d = new SandboxDownload(std::move(*conn));
    // Each chunk within the deadline, except while the reader has paused.
    const int ms = sandbox::deadlines::kFilesAnswerMs;
    sandbox::InitConnection::Deadline deadline { ms, ms, QStringLiteral("read ") + QString::fromStdString(path) };
    auto onAnswer = [d, context](const wire::Frame &f) {
        wire::FileData data;
        wire::FileEnd end;
        if (f.type == uint8_t(FileRequest::FileData) && wire::decodeMessage(f, data)) {
            d->m_received += qint64(data.data.size());
            Q_EMIT d->data(QByteArray::fromStdString(data.data));
            return false;
        }
        d->m_done = true;
        if (f.type == uint8_t(FileRequest::FileEnd) && wire::decodeMessage(f, end) && qint64(end.size) == d->m_received)
            Q_EMIT d->finished(d->m_received);
        else
            Q_EMIT d->failed(answerError(f).withContext(context));
        return true;
    };
    d->m_tag = d->m_conn->request(FileRequest::ReadFile, wire::PathRequest { path }, std::move(onAnswer), deadline);
    return d;
}

SandboxDownload::SandboxDownload(std::unique_ptr<sandbox::InitConnection> conn) : m_conn(std::move(conn))
{
    m_conn->limitReadBuffer(kReadBuffer);
}

SandboxDownload::~SandboxDownload() = default; // the connection closes; its helper exits

void SandboxDownload::setPaused(bool paused)
{
    m_conn->pauseReading(paused);
    m_conn->holdDeadline(m_tag, paused);
}

} // namespace paddock::files
