// The messages of the engine ⇄ paddock-init protocol (version kProtocolVersion).
//
// Each message is a struct with encode() and a decode() that refuses anything
// out of bounds. The tag of a frame ties answers to the request that caused
// them: Exec with tag T is answered by Started/Failed, then Output and Exited
// with the same tag. Background processes are named by a procId chosen by the
// engine and outlive the connection that started them.
#pragma once

#include "paddock/wire/frame.h"

namespace paddock::wire {

enum class Type : uint8_t {
    Hello = 1, // both ways, first frame on a connection
    Exec = 2, // engine → init
    Started = 3, // init → engine
    Output = 4, // init → engine
    Exited = 5, // init → engine
    Failed = 6, // init → engine
    Kill = 7, // engine → init
    ListProcesses = 10, // engine → init
    ProcessList = 11, // init → engine
    Shutdown = 12, // engine → init
    Ack = 13, // init → engine: the request (Kill) was carried out
    Input = 14, // engine → init: bytes for a foreground command's stdin or terminal
    Resize = 15, // engine → init: a foreground terminal's new size
    CloseInput = 16, // engine → init: end of stdin (pipes only)
};

inline constexpr size_t kMaxArgs = 4096;
inline constexpr size_t kMaxArgLen = 128 * 1024;
inline constexpr size_t kMaxPathLen = 4096;
inline constexpr size_t kMaxIdLen = 64;
inline constexpr size_t kMaxMessageLen = 4096;
inline constexpr size_t kMaxChunk = 64 * 1024;
inline constexpr size_t kMaxProcesses = 4096;

enum ExecFlags : uint32_t {
    kExecBackground = 1u << 0, // output to the process's log file, survives the connection
    kExecStdin = 1u << 1, // foreground: stdin is a pipe fed by Input frames (else /dev/null)
    kExecTerminal = 1u << 2, // foreground: a terminal (pty) in the sandbox's devpts is
                             // stdin, stdout and stderr; output arrives as Stdout
};

enum class Stream : uint8_t { Stdout = 1, Stderr = 2 };

struct Hello {
    uint32_t version = kProtocolVersion;
    std::string role; // "engine" or "init"
    void encode(Writer &w) const
    {
        w.u32(version);
        w.bytes(role);
    }
    bool decode(Reader &r)
    {
        version = r.u32();
        role = r.bytes(kMaxIdLen);
        return r.ok() && r.atEnd();
    }
};

struct Exec {
    uint32_t flags = 0;
    std::string procId; // set for background processes
    std::vector<std::string> argv;
    std::vector<std::string> env; // "K=V", the whole environment
    std::string cwd;
    uint16_t rows = 24; // terminal size, with kExecTerminal
    uint16_t cols = 80;
    void encode(Writer &w) const
    {
        w.u32(flags);
        w.bytes(procId);
        w.strings(argv);
        w.strings(env);
        w.bytes(cwd);
        w.u32(uint32_t(rows) << 16 | cols);
    }
    bool decode(Reader &r)
    {
        flags = r.u32();
        procId = r.bytes(kMaxIdLen);
        argv = r.strings(kMaxArgs, kMaxArgLen);
        env = r.strings(kMaxArgs, kMaxArgLen);
        cwd = r.bytes(kMaxPathLen);
        uint32_t size = r.u32();
        rows = uint16_t(size >> 16);
        cols = uint16_t(size & 0xffff);
        bool background = flags & kExecBackground;
        bool interactive = flags & (kExecStdin | kExecTerminal);
        return r.ok() && r.atEnd() && !argv.empty() && !(background && interactive)
            && (flags & ~uint32_t(kExecBackground | kExecStdin | kExecTerminal)) == 0;
    }
};

struct Input {
    std::string data;
    void encode(Writer &w) const { w.bytes(data); }
    bool decode(Reader &r)
    {
        data = r.bytes(kMaxChunk);
        return r.ok() && r.atEnd();
    }
};

struct Resize {
    uint16_t rows = 24;
    uint16_t cols = 80;
    void encode(Writer &w) const { w.u32(uint32_t(rows) << 16 | cols); }
    bool decode(Reader &r)
    {
        uint32_t size = r.u32();
        rows = uint16_t(size >> 16);
        cols = uint16_t(size & 0xffff);
        return r.ok() && r.atEnd() && rows > 0 && cols > 0;
    }
};

struct Started {
    int32_t pid = 0; // inside the sandbox's pid namespace
    void encode(Writer &w) const { w.i32(pid); }
    bool decode(Reader &r)
    {
        pid = r.i32();
        return r.ok() && r.atEnd() && pid > 0;
    }
};

struct Output {
    Stream stream = Stream::Stdout;
    std::string data;
    void encode(Writer &w) const
    {
        w.u8(static_cast<uint8_t>(stream));
        w.bytes(data);
    }
    bool decode(Reader &r)
    {
        uint8_t s = r.u8();
        data = r.bytes(kMaxChunk);
        stream = static_cast<Stream>(s);
        return r.ok() && r.atEnd() && (s == 1 || s == 2);
    }
};

// How a process ended: exitCode >= 0 when it exited, signal > 0 when killed.
struct Exited {
    std::string procId;
    int32_t exitCode = -1;
    int32_t signal = 0;
    void encode(Writer &w) const
    {
        w.bytes(procId);
        w.i32(exitCode);
        w.i32(signal);
    }
    bool decode(Reader &r)
    {
        procId = r.bytes(kMaxIdLen);
        exitCode = r.i32();
        signal = r.i32();
        return r.ok() && r.atEnd() && exitCode >= -1 && exitCode <= 255 && signal >= 0
            && signal < 128;
    }
};

struct Failed {
    int32_t error = 0; // errno
    std::string message;
    void encode(Writer &w) const
    {
        w.i32(error);
        w.bytes(message);
    }
    bool decode(Reader &r)
    {
        error = r.i32();
        message = r.bytes(kMaxMessageLen);
        return r.ok() && r.atEnd();
    }
};

// Kill a background process (procId) or, with an empty procId, the
// foreground process of the frame's tag.
struct Kill {
    std::string procId;
    int32_t signal = 15;
    void encode(Writer &w) const
    {
        w.bytes(procId);
        w.i32(signal);
    }
    bool decode(Reader &r)
    {
        procId = r.bytes(kMaxIdLen);
        signal = r.i32();
        return r.ok() && r.atEnd() && signal > 0 && signal < 65;
    }
};

struct ProcessEntry {
    std::string procId;
    int32_t pid = 0;
    bool running = false;
    int32_t exitCode = -1;
    int32_t signal = 0;
};

struct ProcessList {
    std::vector<ProcessEntry> entries;
    void encode(Writer &w) const
    {
        w.u32(static_cast<uint32_t>(entries.size()));
        for (const auto &e : entries) {
            w.bytes(e.procId);
            w.i32(e.pid);
            w.u8(e.running ? 1 : 0);
            w.i32(e.exitCode);
            w.i32(e.signal);
        }
    }
    bool decode(Reader &r)
    {
        uint32_t n = r.u32();
        if (n > kMaxProcesses)
            return false;
        entries.clear();
        for (uint32_t i = 0; i < n && r.ok(); ++i) {
            ProcessEntry e;
            e.procId = r.bytes(kMaxIdLen);
            e.pid = r.i32();
            e.running = r.u8() != 0;
            e.exitCode = r.i32();
            e.signal = r.i32();
            entries.push_back(std::move(e));
        }
        return r.ok() && r.atEnd();
    }
};

struct Shutdown {
    uint32_t graceMs = 2000; // SIGTERM, then SIGKILL after this long
    void encode(Writer &w) const { w.u32(graceMs); }
    bool decode(Reader &r)
    {
        graceMs = r.u32();
        return r.ok() && r.atEnd() && graceMs <= 60000;
    }
};

// A message with no payload (ListProcesses, Ack, CloseInput).
struct Empty {
    void encode(Writer &) const { }
    bool decode(Reader &r) { return r.ok() && r.atEnd(); }
};

template<typename Message>
std::string encodeMessage(Type type, uint32_t tag, const Message &m)
{
    Writer w;
    m.encode(w);
    return encodeFrame(static_cast<uint8_t>(type), tag, w.buffer());
}

template<typename Message>
bool decodeMessage(const Frame &f, Message &out)
{
    Reader r(f.payload.data(), f.payload.size());
    return out.decode(r);
}

} // namespace paddock::wire

namespace paddock::wire {

// Background process ids are chosen by the engine and name files on the host:
// keep them to a safe alphabet.
inline bool isValidProcId(std::string_view id)
{
    if (id.empty() || id.size() > kMaxIdLen)
        return false;
    for (char ch : id)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
            return false;
    return true;
}

// paddock-init appends a background process's stdout and stderr to this file
// in the sandbox's logs directory; the engine reads it from the host side.
inline std::string logFileName(std::string_view procId) { return std::string(procId) + ".log"; }
// Where the log's previous part goes when it is rotated (an older one is dropped).
inline std::string rotatedLogFileName(std::string_view procId) { return logFileName(procId) + ".1"; }
// Each part of a log carries, in this extended attribute, the offset of its
// first byte in everything the process wrote (decimal). A reader finds the
// parts' order and any output dropped between them from it; a log written
// by an older paddock-init has none and is one part from offset 0.
inline constexpr const char *kLogStartAttribute = "user.paddock.log-start";

} // namespace paddock::wire
