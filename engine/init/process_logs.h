// The logs of a sandbox's background processes. A process writes into a
// pipe; PID 1 drains it into <procId>.log in the sandbox's logs directory
// (on the host: the workload never sees it) through this class, which keeps
// every log bounded:
//
//  * a log is rotated when its current part reaches kLogPartBytes: the part
//    becomes <procId>.log.1 and the previous .1 is dropped;
//  * all logs of the sandbox together (running processes, ended ones and
//    earlier runs of the sandbox) stay under kSandboxLogBytes: past it, the
//    oldest part in the sandbox is dropped, whichever process wrote it;
//  * output that cannot be written (a full disk, any write error) is
//    dropped, never waited for, and the gap is kept in the offsets.
//
// Each part is labelled with the offset of its first byte in the process's
// output (wire::kLogStartAttribute), so a reader knows the order of the
// parts and exactly how much was dropped before or between them.
#pragma once

#include "status.h"
#include "paddock/unique_fd.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace paddock::init {

// The one place that sizes background logs. 16 MiB per part keeps the
// newest 16–32 MiB of a chatty process — enough to read back what a dev
// server said — and 256 MiB for the whole sandbox lets eight processes
// keep that much before one's output pushes out another's oldest part,
// while ten sandboxes cannot fill more than 2.5 GiB of the user's disk.
inline constexpr uint64_t kLogPartBytes = 16ull << 20;
inline constexpr uint64_t kSandboxLogBytes = 256ull << 20;

struct LogLimits {
    uint64_t partBytes = kLogPartBytes;
    uint64_t sandboxBytes = kSandboxLogBytes; // at least 2 × partBytes
};

class ProcessLogs {
public:
    // `dir`: the logs directory. What is already there counts against the cap.
    explicit ProcessLogs(UniqueFd dir, LogLimits limits = {});

    // Starts the log of a new background process (a leftover log of the
    // same id is replaced). Fails when the log cannot be created or labelled.
    Status open(const std::string &procId);
    // Appends what the process wrote. Never blocks on the sandbox and never
    // fails: what cannot be written is dropped and leaves a gap.
    void append(const std::string &procId, const char *data, size_t size);
    // The process's output ended (its pipe closed).
    void close(const std::string &procId);

    uint64_t bytesOnDisk() const { return m_total; }
    uint64_t bytesDropped() const { return m_dropped; }

private:
    struct Part {
        std::string procId;
        bool rotated = false; // <procId>.log.1, else <procId>.log
        uint64_t bytes = 0;
        uint64_t age = 0; // smaller is older
    };
    struct Writer {
        UniqueFd fd; // the current part; closed when that part was dropped
        uint64_t offset = 0; // of the next byte, in all the process wrote
        bool gap = false; // output was dropped: the next byte starts a new part
    };

    void scan();
    Part *find(const std::string &procId, bool rotated);
    bool startPart(const std::string &procId, Writer &w);
    void makeRoom(const std::string &procId, uint64_t size);
    void removePart(const std::string &procId, bool rotated);
    void drop(Writer &w, uint64_t size);

    UniqueFd m_dir;
    LogLimits m_limits;
    std::vector<Part> m_parts;
    std::unordered_map<std::string, Writer> m_writers;
    uint64_t m_total = 0;
    uint64_t m_dropped = 0;
    uint64_t m_nextAge = 0;
};

} // namespace paddock::init
