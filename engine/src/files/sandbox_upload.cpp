#include "sandbox_upload.h"

#include "sandbox/init_connection.h"

#include "paddock/wire/file_messages.h"

namespace paddock::files {

namespace {

using wire::FileRequest;

// FileEnd's size never matches what was sent: the helper discards the file.
constexpr uint64_t kAbandoned = ~uint64_t(0);

Error answerError(const wire::Frame &f)
{
    wire::Failed failed;
    if (f.type == uint8_t(wire::Type::Failed) && wire::decodeMessage(f, failed))
        return Error { failed.error == ENOENT ? ErrorCode::NotFound : failed.error == EACCES ? ErrorCode::PermissionDenied : ErrorCode::Io,
                       QString::fromStdString(failed.message), {}, failed.error };
    return Error { ErrorCode::Protocol, QStringLiteral("unexpected answer from the files helper") };
}

} // namespace

SandboxUpload::SandboxUpload(sandbox::InitConnection *conn, const std::string &path, uint mode) : m_conn(conn)
{
    QPointer<SandboxUpload> self(this);
    m_tag = conn->request(FileRequest::WriteFile, wire::WriteFile { path, mode }, [self](const wire::Frame &f) {
        if (self)
            self->answered(f.type == uint8_t(wire::Type::Ack) ? Result<void>() : tl::unexpected(answerError(f)));
        return true;
    });
    connect(conn, &sandbox::InitConnection::writeDrained, this, &FileUpload::drained);
}

SandboxUpload::~SandboxUpload()
{
    if (!m_finished && m_conn)
        m_conn->sendWithTag(FileRequest::FileEnd, m_tag, wire::FileEnd { kAbandoned });
}

void SandboxUpload::write(const QByteArray &bytes)
{
    if (!m_conn || m_finished || m_answer)
        return; // failed already: finish() reports why
    for (qsizetype at = 0; at < bytes.size(); at += qsizetype(wire::kMaxChunk))
        m_conn->sendWithTag(FileRequest::FileData, m_tag, wire::FileData { bytes.mid(at, qsizetype(wire::kMaxChunk)).toStdString() });
    m_sent += quint64(bytes.size());
}

void SandboxUpload::finish(std::function<void(Result<void>)> done)
{
    m_finished = true;
    m_done = std::move(done);
    if (m_answer)
        return answered(*m_answer);
    if (!m_conn)
        return answered(fail(ErrorCode::NotRunning, QStringLiteral("the sandbox went away during the upload")));
    m_conn->sendWithTag(FileRequest::FileEnd, m_tag, wire::FileEnd { m_sent });
}

qint64 SandboxUpload::pendingBytes() const { return m_conn ? m_conn->pendingBytes() : 0; }

void SandboxUpload::answered(Result<void> r)
{
    if (!m_finished) {
        m_answer = std::move(r); // kept for finish()
        return;
    }
    if (auto done = std::exchange(m_done, nullptr)) {
        done(std::move(r));
        deleteLater();
    }
}

} // namespace paddock::files
