// The file protocol: spoken on a connection that greeted paddock-init with
// Hello{role "files"}. PID 1 hands such a connection to a files helper, a
// process inside the sandbox with exactly a workload's rights, so every
// path resolves in the sandbox's own view and nothing it does blocks PID 1.
//
//   Stat{path}                 → FileInfo                 | Failed
//   ListDir{path}              → DirChunk… (last set)     | Failed
//   ReadFile{path}             → FileData…, FileEnd       | Failed
//   WriteFile{path, mode}, FileData…, FileEnd (engine → helper)
//                              → Ack (renamed into place) | Failed
//   MakeDir{path, parents}     → Ack                      | Failed
//   Remove{path, recursive}    → Ack                      | Failed
//   Rename{from, to}           → Ack                      | Failed
//   Watch{path, excludes}      → WatchEvents… (until the connection ends) | Failed
//   ListTree{path, excludes}   → DirChunk… (names are full paths)         | Failed
//
// A connection that watches does only that: the engine opens one per
// watched tree, so events never wait behind a large read.
//
// Paths are absolute inside the sandbox. Requests on one connection are
// answered in order.
#pragma once

#include "paddock/wire/messages.h"

namespace paddock::wire {

inline constexpr const char *kFilesRole = "files";
inline constexpr size_t kMaxDirChunkEntries = 2048;
// A chunk of entries or changes is bounded in bytes too: 2,048 paths of
// 4 KiB would be 8 MiB, past kMaxFrameBody, and the engine would end the
// connection. At most this much of names and paths goes in one frame; the
// fixed fields of 2,048 entries add well under the rest of the limit.
inline constexpr size_t kMaxChunkTextBytes = 512 * 1024;

enum class FileRequest : uint8_t {
    Stat = 30,
    FileInfo = 31,
    ListDir = 32,
    DirChunk = 33,
    ReadFile = 34,
    FileData = 35,
    FileEnd = 36,
    WriteFile = 37,
    MakeDir = 38,
    Remove = 39,
    Rename = 40,
    Watch = 41,
    WatchEvents = 42,
    ListTree = 43,
};

enum class FileKind : uint8_t { Other = 0, File = 1, Directory = 2, Symlink = 3 };

struct PathRequest { // Stat, ListDir, ReadFile
    std::string path;
    void encode(Writer &w) const { w.bytes(path); }
    bool decode(Reader &r)
    {
        path = r.bytes(kMaxPathLen);
        return r.ok() && r.atEnd() && !path.empty();
    }
};

struct FileInfo {
    std::string name; // the last path component
    FileKind kind = FileKind::Other;
    uint32_t mode = 0; // permission bits
    uint64_t size = 0;
    int64_t mtimeNs = 0;
    std::string linkTarget; // symlinks only
    void encode(Writer &w) const
    {
        w.bytes(name);
        w.u8(uint8_t(kind));
        w.u32(mode);
        w.u64(size);
        w.u64(uint64_t(mtimeNs));
        w.bytes(linkTarget);
    }
    bool decodeFields(Reader &r)
    {
        name = r.bytes(kMaxPathLen); // a full path in ListTree answers
        uint8_t k = r.u8();
        mode = r.u32();
        size = r.u64();
        mtimeNs = int64_t(r.u64());
        linkTarget = r.bytes(kMaxPathLen);
        kind = FileKind(k);
        return r.ok() && k <= uint8_t(FileKind::Symlink) && mode <= 07777;
    }
    bool decode(Reader &r) { return decodeFields(r) && r.atEnd(); }
};

struct DirChunk {
    std::vector<FileInfo> entries;
    bool last = false;
    void encode(Writer &w) const
    {
        w.u8(last ? 1 : 0);
        w.u32(uint32_t(entries.size()));
        for (const auto &e : entries)
            e.encode(w);
    }
    bool decode(Reader &r)
    {
        uint8_t l = r.u8();
        uint32_t n = r.u32();
        if (n > kMaxDirChunkEntries || l > 1)
            return false;
        last = l == 1;
        entries.clear();
        for (uint32_t i = 0; i < n && r.ok(); ++i) {
            FileInfo e;
            if (!e.decodeFields(r))
                return false;
            entries.push_back(std::move(e));
        }
        return r.ok() && r.atEnd();
    }
};

struct FileData {
    std::string data;
    void encode(Writer &w) const { w.bytes(data); }
    bool decode(Reader &r)
    {
        data = r.bytes(kMaxChunk);
        return r.ok() && r.atEnd();
    }
};

struct FileEnd {
    uint64_t size = 0; // total bytes sent
    void encode(Writer &w) const { w.u64(size); }
    bool decode(Reader &r)
    {
        size = r.u64();
        return r.ok() && r.atEnd();
    }
};

struct WriteFile {
    std::string path;
    uint32_t mode = 0644; // for a new file; an existing one keeps its own
    void encode(Writer &w) const
    {
        w.bytes(path);
        w.u32(mode);
    }
    bool decode(Reader &r)
    {
        path = r.bytes(kMaxPathLen);
        mode = r.u32();
        return r.ok() && r.atEnd() && !path.empty() && mode <= 07777;
    }
};

struct PathWithFlag { // MakeDir (parents), Remove (recursive)
    std::string path;
    bool flag = false;
    void encode(Writer &w) const
    {
        w.bytes(path);
        w.u8(flag ? 1 : 0);
    }
    bool decode(Reader &r)
    {
        path = r.bytes(kMaxPathLen);
        uint8_t f = r.u8();
        flag = f == 1;
        return r.ok() && r.atEnd() && !path.empty() && f <= 1;
    }
};

struct Rename {
    std::string from;
    std::string to;
    void encode(Writer &w) const
    {
        w.bytes(from);
        w.bytes(to);
    }
    bool decode(Reader &r)
    {
        from = r.bytes(kMaxPathLen);
        to = r.bytes(kMaxPathLen);
        return r.ok() && r.atEnd() && !from.empty() && !to.empty();
    }
};

inline constexpr size_t kMaxExcludes = 64;
inline constexpr size_t kMaxEventsPerFrame = 2048;

struct WatchRequest { // Watch, ListTree
    std::string path;
    std::vector<std::string> excludes; // globs relative to path (path_glob.h)
    void encode(Writer &w) const
    {
        w.bytes(path);
        w.strings(excludes);
    }
    bool decode(Reader &r)
    {
        path = r.bytes(kMaxPathLen);
        excludes = r.strings(kMaxExcludes, kMaxPathLen);
        return r.ok() && r.atEnd() && !path.empty();
    }
};

enum class ChangeKind : uint8_t {
    Created = 1,
    Modified = 2, // written and closed
    Deleted = 3,
    Moved = 4, // from → path, both inside the tree
    Overflow = 5, // events were lost (queue overflow, watch limit): resync; `from` says why
};

struct Change {
    ChangeKind kind = ChangeKind::Created;
    std::string path; // absolute in the sandbox
    std::string from; // Moved: the old path; Overflow: the reason
    bool directory = false;
};

// What an entry or a change adds to a chunk against kMaxChunkTextBytes.
inline size_t chunkText(const FileInfo &f) { return f.name.size() + f.linkTarget.size(); }
inline size_t chunkText(const Change &c) { return c.path.size() + c.from.size(); }

struct WatchEvents {
    std::vector<Change> changes;
    void encode(Writer &w) const
    {
        w.u32(uint32_t(changes.size()));
        for (const auto &c : changes) {
            w.u8(uint8_t(c.kind));
            w.u8(c.directory ? 1 : 0);
            w.bytes(c.path);
            w.bytes(c.from);
        }
    }
    bool decode(Reader &r)
    {
        uint32_t n = r.u32();
        if (n > kMaxEventsPerFrame)
            return false;
        changes.clear();
        for (uint32_t i = 0; i < n && r.ok(); ++i) {
            Change c;
            uint8_t kind = r.u8();
            uint8_t dir = r.u8();
            c.path = r.bytes(kMaxPathLen);
            c.from = r.bytes(kMaxPathLen);
            if (kind < 1 || kind > uint8_t(ChangeKind::Overflow) || dir > 1)
                return false;
            c.kind = ChangeKind(kind);
            c.directory = dir == 1;
            changes.push_back(std::move(c));
        }
        return r.ok() && r.atEnd();
    }
};

template<typename Message>
std::string encodeFileMessage(FileRequest type, uint32_t tag, const Message &m)
{
    Writer w;
    m.encode(w);
    return encodeFrame(static_cast<uint8_t>(type), tag, w.buffer());
}

} // namespace paddock::wire
