// FileDownload over a connection of its own to a new files helper.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/file_download.h"

#include <memory>

namespace paddock::sandbox {
class InitConnection;
}

namespace paddock::files {

class SandboxDownload : public FileDownload {
    Q_OBJECT
public:
    // Connects and asks for the file; answers come as signals.
    // `context` prefixes its errors ("sandbox 'web'").
    static Result<SandboxDownload *> start(const QString &socketPath, const std::string &path, const QString &context);
    ~SandboxDownload() override;
    void setPaused(bool paused) override;

private:
    explicit SandboxDownload(std::unique_ptr<sandbox::InitConnection> conn);

    std::unique_ptr<sandbox::InitConnection> m_conn;
    uint32_t m_tag = 0;
    qint64 m_received = 0;
    bool m_done = false;
};

} // namespace paddock::files
