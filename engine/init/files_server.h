// The files helper's loop: serves the file protocol (paddock/wire/
// file_messages.h) on one engine connection until it closes.
//
// The helper is its own process (forked by PID 1, with a workload's rights
// and syscall filter), so a slow disk or a huge directory delays only the
// connection that asked, and a bug here runs without PID 1's powers.
// Requests are handled one at a time, in order; writes block. A watching
// connection also sends the watched tree's changes as they happen.
#pragma once

#include "file_ops.h"
#include "tree_watcher.h"
#include "paddock/unique_fd.h"

#include "paddock/wire/frame.h"

#include <memory>
#include <unordered_map>

namespace paddock::init {

class FilesServer {
public:
    // `pending` holds bytes PID 1 had already read from the connection.
    FilesServer(UniqueFd conn, wire::FrameParser pending);
    int run(); // returns when the engine hangs up or breaks the protocol

private:
    bool handle(const wire::Frame &f);
    void sendFrame(const std::string &frame);
    void fail(uint32_t tag, int err, const std::string &what);
    void ack(uint32_t tag);
    void stat(uint32_t tag, const std::string &path);
    void list(uint32_t tag, const std::string &path);
    void read(uint32_t tag, const std::string &path);
    bool write(const wire::Frame &f);
    void watch(uint32_t tag, const wire::WatchRequest &req);
    void listTree(uint32_t tag, const wire::WatchRequest &req);
    void sendChanges();
    bool readConnection();

    UniqueFd m_conn;
    wire::FrameParser m_parser;
    // Writes in progress by tag: WriteFile opens one, FileData feeds it,
    // FileEnd commits it. A null entry is a write that failed at the start.
    std::unordered_map<uint32_t, std::unique_ptr<files::AtomicWrite>> m_writes;
    // At most one watch per connection; its changes carry the Watch's tag.
    std::unique_ptr<TreeWatcher> m_watcher;
    uint32_t m_watchTag = 0;
    bool m_broken = false;
};

} // namespace paddock::init
