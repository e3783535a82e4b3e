// FileUpload over a connection of its own to a new files helper: WriteFile,
// then FileData as bytes come, then FileEnd with the total, which the helper
// checks before it renames the file into place. An upload abandoned midway
// closes its connection, and the exiting helper drops the temporary file.
// Its own helper also means a slow uploader holds up nobody else, and a
// helper killed earlier cannot fail it.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/file_upload.h"

#include <memory>
#include <optional>

namespace paddock::sandbox {
class InitConnection;
}

namespace paddock::files {

class SandboxUpload : public FileUpload {
    Q_OBJECT
public:
    // Connects and starts the write; `context` prefixes its errors ("sandbox 'web'").
    static Result<SandboxUpload *> start(const QString &socketPath, const std::string &path, uint mode,
                                         const QString &context);
    ~SandboxUpload() override;

    void write(const QByteArray &bytes) override;
    void finish(std::function<void(Result<void>)> done) override;
    qint64 pendingBytes() const override;

private:
    explicit SandboxUpload(std::unique_ptr<sandbox::InitConnection> conn);
    void answered(Result<void> r);

    std::unique_ptr<sandbox::InitConnection> m_conn;
    uint32_t m_tag = 0;
    quint64 m_sent = 0;
    bool m_finished = false;
    std::optional<Result<void>> m_answer; // the helper may answer (fail) before finish()
    std::function<void(Result<void>)> m_done;
};

} // namespace paddock::files
