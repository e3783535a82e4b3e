#include "files_server.h"

#include "chunk_batch.h"
#include "file_ops.h"
#include "file_reading.h"
#include "tree_listing.h"

#include "paddock/wire/file_messages.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace paddock::init {

namespace {

using wire::FileRequest;

std::string failedFrame(uint32_t tag, int err, const std::string &message)
{
    return wire::encodeMessage(wire::Type::Failed, tag, wire::Failed { err, message });
}

constexpr size_t kMaxWritesInFlight = 16;

} // namespace

FilesServer::FilesServer(UniqueFd conn, wire::FrameParser pending)
    : m_conn(std::move(conn)), m_parser(std::move(pending))
{
}

int FilesServer::run()
{
    for (;;) {
        wire::Frame f;
        for (;;) {
            auto status = m_parser.next(f);
            if (status == wire::FrameParser::Status::Invalid)
                return 1;
            if (status == wire::FrameParser::Status::NeedMore)
                break;
            if (!handle(f) || m_broken)
                return 1;
        }
        pollfd fds[2] = { { m_conn.get(), POLLIN, 0 }, { m_watcher ? m_watcher->fd() : -1, POLLIN, 0 } };
        if (::poll(fds, 2, -1) < 0 && errno != EINTR)
            return 1;
        if (fds[1].revents) {
            sendChanges();
            if (m_broken)
                return 1;
        }
        if (fds[0].revents && !readConnection())
            return 0;
    }
}

// False when the engine hung up.
bool FilesServer::readConnection()
{
    char buf[65536];
    ssize_t n = ::read(m_conn.get(), buf, sizeof buf);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    m_parser.append(buf, size_t(n));
    return true;
}

void FilesServer::sendChanges()
{
    auto send = [this](std::vector<wire::Change> &changes) {
        sendFrame(wire::encodeFileMessage(FileRequest::WatchEvents, m_watchTag, wire::WatchEvents { std::move(changes) }));
    };
    ChunkBatch<wire::Change> batch(wire::kMaxEventsPerFrame, send);
    for (wire::Change &c : m_watcher->drain())
        batch.add(std::move(c));
    if (!batch.rest().empty())
        send(batch.rest());
}

void FilesServer::watch(uint32_t tag, const wire::WatchRequest &req)
{
    if (m_watcher)
        return fail(tag, EBUSY, "this connection already watches " + req.path);
    auto watcher = std::make_unique<TreeWatcher>();
    if (int err = watcher->start(req.path, req.excludes))
        return fail(tag, err, "cannot watch " + req.path);
    m_watcher = std::move(watcher);
    m_watchTag = tag;
    // The watch is in place: the engine may list the tree now and miss
    // nothing — or hears that the watch limit left part of it unwatched.
    wire::WatchEvents started { m_watcher->takeStartNotes() };
    sendFrame(wire::encodeFileMessage(FileRequest::WatchEvents, tag, started));
}

void FilesServer::listTree(uint32_t tag, const wire::WatchRequest &req)
{
    int err = init::listTree(req.path, req.excludes, [&](std::vector<wire::FileInfo> &entries, bool last) {
        sendFrame(wire::encodeFileMessage(FileRequest::DirChunk, tag, wire::DirChunk { std::move(entries), last }));
    });
    if (err)
        fail(tag, err, "cannot list " + req.path);
}

void FilesServer::sendFrame(const std::string &frame)
{
    size_t done = 0;
    while (!m_broken && done < frame.size()) {
        ssize_t n = ::send(m_conn.get(), frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            m_broken = true;
        else
            done += size_t(n);
    }
}

void FilesServer::fail(uint32_t tag, int err, const std::string &what)
{
    if (err == files::kOwnProcEntry)
        return sendFrame(failedFrame(tag, EPERM, what + ": refused: the files helper's own /proc entries (/proc/self, "
                                                        "/proc/thread-self, /proc/net, /proc/mounts, /proc/<its pid>) are "
                                                        "never served; read them from a process with exec"));
    // openat2 answers ELOOP for /proc's magic links (RESOLVE_NO_MAGICLINKS):
    // say why rather than "too many levels of symbolic links".
    if (err == ELOOP && what.find("/proc/") != std::string::npos)
        return sendFrame(failedFrame(tag, EPERM, what + ": refused: links under /proc (root, cwd, exe, fd) are not followed"));
    sendFrame(failedFrame(tag, err, what + ": " + std::strerror(err)));
}

void FilesServer::ack(uint32_t tag) { sendFrame(wire::encodeMessage(wire::Type::Ack, tag, wire::Empty {})); }

// Returns false on a frame that breaks the protocol.
bool FilesServer::handle(const wire::Frame &f)
{
    auto type = static_cast<FileRequest>(f.type);
    wire::PathRequest path;
    wire::PathWithFlag flagged;
    wire::Rename rename;
    switch (type) {
    case FileRequest::Stat:
        if (!wire::decodeMessage(f, path))
            return false;
        stat(f.tag, path.path);
        return true;
    case FileRequest::ListDir:
        if (!wire::decodeMessage(f, path))
            return false;
        list(f.tag, path.path);
        return true;
    case FileRequest::ReadFile:
        if (!wire::decodeMessage(f, path))
            return false;
        read(f.tag, path.path);
        return true;
    case FileRequest::WriteFile:
    case FileRequest::FileData:
    case FileRequest::FileEnd:
        return write(f);
    case FileRequest::MakeDir:
        if (!wire::decodeMessage(f, flagged))
            return false;
        if (int err = files::makeDirectory(flagged.path, flagged.flag))
            fail(f.tag, err, "cannot create directory " + flagged.path);
        else
            ack(f.tag);
        return true;
    case FileRequest::Remove:
        if (!wire::decodeMessage(f, flagged))
            return false;
        if (int err = files::removePath(flagged.path, flagged.flag))
            fail(f.tag, err, "cannot remove " + flagged.path);
        else
            ack(f.tag);
        return true;
    case FileRequest::Watch:
    case FileRequest::ListTree: {
        wire::WatchRequest req;
        if (!wire::decodeMessage(f, req))
            return false;
        type == FileRequest::Watch ? watch(f.tag, req) : listTree(f.tag, req);
        return true;
    }
    case FileRequest::Rename:
        if (!wire::decodeMessage(f, rename))
            return false;
        if (int err = files::renamePath(rename.from, rename.to))
            fail(f.tag, err, "cannot move " + rename.from + " to " + rename.to);
        else
            ack(f.tag);
        return true;
    default:
        return false;
    }
}

void FilesServer::stat(uint32_t tag, const std::string &path)
{
    wire::FileInfo info;
    if (int err = files::statPath(path, info))
        return fail(tag, err, path);
    sendFrame(wire::encodeFileMessage(FileRequest::FileInfo, tag, info));
}

void FilesServer::list(uint32_t tag, const std::string &path)
{
    int err = files::listDirectory(path, [&](std::vector<wire::FileInfo> &entries, bool last) {
        sendFrame(wire::encodeFileMessage(FileRequest::DirChunk, tag, wire::DirChunk { std::move(entries), last }));
    });
    if (err)
        fail(tag, err, "cannot list " + path);
}

void FilesServer::read(uint32_t tag, const std::string &path)
{
    files::OpenedFile file;
    if (int err = files::openForReading(path, file)) {
        if (err == EINVAL) // a FIFO, a device, a socket
            return sendFrame(failedFrame(tag, EINVAL, "cannot read " + path + ": " + files::describeType(file.type)
                                                          + ", not a regular file: only regular files are read"));
        return fail(tag, err, "cannot read " + path);
    }
    uint64_t total = 0;
    int err = files::readBounded(file, wire::kMaxChunk, [&](std::string_view piece) {
        total += piece.size();
        sendFrame(wire::encodeFileMessage(FileRequest::FileData, tag, wire::FileData { std::string(piece) }));
        return !m_broken;
    });
    if (m_broken)
        return;
    if (err == EFBIG)
        return sendFrame(failedFrame(tag, EFBIG, "cannot read " + path + ": a pseudo-file (" + file.filesystem
                                                     + ") longer than " + std::to_string(files::kMaxPseudoFileBytes >> 20)
                                                     + " MiB: its content is made as it is read and may never end, so it "
                                                       "is refused rather than streamed; read a part with exec (head -c)"));
    if (err)
        return fail(tag, err, "cannot read " + path);
    sendFrame(wire::encodeFileMessage(FileRequest::FileEnd, tag, wire::FileEnd { total }));
}

bool FilesServer::write(const wire::Frame &f)
{
    auto type = static_cast<FileRequest>(f.type);
    auto it = m_writes.find(f.tag);
    if (type == FileRequest::WriteFile) {
        wire::WriteFile req;
        if (!wire::decodeMessage(f, req) || it != m_writes.end() || m_writes.size() >= kMaxWritesInFlight)
            return false;
        auto w = std::make_unique<files::AtomicWrite>();
        if (int err = w->begin(req.path, req.mode)) {
            fail(f.tag, err, "cannot write " + req.path);
            m_writes.emplace(f.tag, nullptr); // swallow its data, answer nothing more
            return true;
        }
        m_writes.emplace(f.tag, std::move(w));
        return true;
    }
    if (it == m_writes.end())
        return false;
    if (type == FileRequest::FileData) {
        wire::FileData data;
        if (!wire::decodeMessage(f, data))
            return false;
        if (it->second) {
            if (int err = it->second->append(data.data)) {
                fail(f.tag, err, "cannot write");
                it->second.reset(); // the temporary file goes; the target is untouched
            }
        }
        return true;
    }
    wire::FileEnd end;
    if (!wire::decodeMessage(f, end))
        return false;
    if (it->second && it->second->written() != end.size) {
        // Short: the temporary file goes, the target stays as it was.
        fail(f.tag, EIO, "incomplete content: " + std::to_string(it->second->written()) + " of "
                 + std::to_string(end.size) + " bytes arrived");
    } else if (it->second) {
        if (int err = it->second->commit())
            fail(f.tag, err, "cannot put the new content in place");
        else
            ack(f.tag);
    }
    m_writes.erase(it);
    return true;
}

} // namespace paddock::init
