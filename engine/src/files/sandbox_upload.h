// FileUpload over a files helper connection: WriteFile, then FileData as
// bytes come, then FileEnd with the total, which the helper checks before
// it renames the file into place. An upload abandoned midway ends with a
// FileEnd that cannot match, so the helper drops the temporary file.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/file_upload.h"

#include <QPointer>

#include <optional>

namespace paddock::sandbox {
class InitConnection;
}

namespace paddock::files {

class SandboxUpload : public FileUpload {
    Q_OBJECT
public:
    SandboxUpload(sandbox::InitConnection *conn, const std::string &path, uint mode);
    ~SandboxUpload() override;

    void write(const QByteArray &bytes) override;
    void finish(std::function<void(Result<void>)> done) override;
    qint64 pendingBytes() const override;

private:
    void answered(Result<void> r);

    QPointer<sandbox::InitConnection> m_conn;
    uint32_t m_tag = 0;
    quint64 m_sent = 0;
    bool m_finished = false;
    std::optional<Result<void>> m_answer; // the helper may answer (fail) before finish()
    std::function<void(Result<void>)> m_done;
};

} // namespace paddock::files
