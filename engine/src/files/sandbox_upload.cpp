#include "sandbox_upload.h"

#include "helper_answers.h"
#include "helper_connection.h"

#include "sandbox/request_deadlines.h"

#include "paddock/wire/file_messages.h"

#include <QPointer>

namespace paddock::files {

Result<SandboxUpload *> SandboxUpload::start(const QString &socketPath, const std::string &path, uint mode,
                                             const QString &context)
{
    auto conn = connectToHelper(socketPath);
    if (!conn)
        return tl::unexpected(conn.error());
    auto *up = new SandboxUpload(std::move(*conn));
    QPointer<SandboxUpload> self(up);
    // The answer is due once FileEnd is sent; until then the data is the
    // engine's to send, and the connection's write deadline covers the helper.
    const int ms = sandbox::deadlines::kFilesAnswerMs;
    up->m_tag = up->m_conn->request(
        wire::FileRequest::WriteFile, wire::WriteFile { path, mode },
        [self, context](const wire::Frame &f) {
            if (self)
                self->answered(f.type == uint8_t(wire::Type::Ack)
                                   ? Result<void>()
                                   : tl::unexpected(answerError(f).withContext(context)));
            return true;
        },
        sandbox::InitConnection::Deadline { ms, ms, QStringLiteral("write ") + QString::fromStdString(path) });
    up->m_conn->holdDeadline(up->m_tag, true);
    return up;
}

SandboxUpload::SandboxUpload(std::unique_ptr<sandbox::InitConnection> conn) : m_conn(std::move(conn))
{
    connect(m_conn.get(), &sandbox::InitConnection::writeDrained, this, &FileUpload::drained);
}

SandboxUpload::~SandboxUpload() = default; // unfinished: the connection closes and the helper drops the file

void SandboxUpload::write(const QByteArray &bytes)
{
    if (m_finished || m_answer)
        return; // failed already: finish() reports why
    for (qsizetype at = 0; at < bytes.size(); at += qsizetype(wire::kMaxChunk))
        m_conn->sendWithTag(wire::FileRequest::FileData, m_tag, wire::FileData { bytes.mid(at, qsizetype(wire::kMaxChunk)).toStdString() });
    m_sent += quint64(bytes.size());
}

void SandboxUpload::finish(std::function<void(Result<void>)> done)
{
    m_finished = true;
    m_done = std::move(done);
    if (m_answer)
        return answered(*m_answer);
    m_conn->sendWithTag(wire::FileRequest::FileEnd, m_tag, wire::FileEnd { m_sent });
    m_conn->holdDeadline(m_tag, false);
}

qint64 SandboxUpload::pendingBytes() const { return m_conn->pendingBytes(); }

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
