// PID 1's event loop: serves engine connections on the control socket, runs
// workload processes, streams their output, reaps every child in the
// namespace, and shuts the sandbox down on request.
//
// Single-threaded (poll), so no state here needs a lock. PID 1 never waits
// on a workload process: every descriptor it reads or writes for one is
// non-blocking, a process on its way to exec is a pending spawn polled with
// the rest (child_spawn.h), and children are reaped only with WNOHANG.
// The connections are in init_server.cpp, the processes in
// init_server_processes.cpp.
#pragma once

#include "child_spawn.h"
#include "dropped_packets.h"
#include "egress_listeners.h"
#include "egress_reports.h"
#include "files_helpers.h"
#include "process_logs.h"
#include "refused_calls.h"
#include "syscall_filter.h"
#include "paddock/unique_fd.h"

#include "paddock/wire/messages.h"

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace paddock::init {

class InitServer {
public:
    InitServer(UniqueFd listener, UniqueFd logsDir, SyscallFilter filter, EgressListeners egress, DropLog dropLog,
               uint64_t workloadDataLimit);

    // How long a child may take from fork to exec before it is killed and
    // its Exec fails. Setting up and exec'ing takes milliseconds; a child
    // still not there after this was stopped from inside the sandbox.
    static constexpr int64_t kSpawnDeadlineMs = 10000;
    int run(); // returns the exit status of PID 1

private:
    struct Connection {
        uint64_t id = 0;
        UniqueFd fd;
        wire::FrameParser parser;
        std::string out; // bytes not yet written
        bool greeted = false; // the engine's Hello arrived
        bool egressReports = false; // took the egress sockets; now hears of refusals
        bool dead = false;
    };
    struct Child {
        pid_t pid = -1;
        std::string procId; // background processes only
        uint32_t tag = 0; // foreground: the Exec frame's tag
        uint64_t connId = 0; // foreground: the connection that asked
        UniqueFd out, err; // read ends of stdout/stderr (a terminal: its master; background: the log pipe)
        UniqueFd in; // foreground with stdin or a terminal: where Input goes
        std::string pendingInput; // accepted, not yet taken by the process
        bool closeInput = false; // end of stdin asked for: once pendingInput is written
        bool terminal = false;
        bool running = true;
        int exitCode = -1;
        int signal = 0;
    };
    // An Exec on its way from fork to exec: answered Started or Failed when
    // the child reports, or Failed when it has not within kSpawnDeadlineMs.
    struct Pending {
        uint64_t connId = 0; // the connection that asked, for the answer
        uint32_t tag = 0;
        std::unique_ptr<ChildSpawn> spawn;
        std::unique_ptr<Child> child; // what it becomes once started
        int64_t deadlineMs = 0;
        bool reaped = false; // it ended before PID 1 read its report
        int status = 0;
    };

    void acceptConnections();
    void readConnection(Connection &c);
    void writeConnection(Connection &c);
    void handleFrame(Connection &c, const wire::Frame &f);
    void handleExec(Connection &c, uint32_t tag, const wire::Exec &req);
    void readSpawnReports(Pending &p);
    void spawnDeadlines(int64_t nowMs);
    void finishSpawn(Pending &p);
    void handleKill(Connection &c, uint32_t tag, const wire::Kill &req);
    void handleList(Connection &c, uint32_t tag);
    void handleInput(Connection &c, const wire::Frame &f);
    void beginShutdown(uint32_t graceMs);
    void dropConnection(Connection &c);
    void handOverToFilesHelper(Connection &c);
    void handOutEgressSockets(Connection &c);
    void answerRefusedCalls(const std::vector<pollfd> &fds, size_t first);
    void readDroppedPackets();
    void sendEgressReports();

    bool readChildOutput(Child &child, UniqueFd &fd, wire::Stream stream);
    void drainChildOutput(Child &child, UniqueFd &fd, wire::Stream stream);
    void writeChildInput(Child &child);
    Child *foregroundChild(const Connection &c, uint32_t tag);
    void reapChildren();
    void childEnded(Child &child, int status);

    static std::string failedFrame(uint32_t tag, int error, std::string message);
    void send(Connection &c, std::string frame);
    Connection *connection(uint64_t id);
    Child *backgroundChild(const std::string &procId);
    bool backgroundIdTaken(const std::string &procId) const;
    int pollTimeoutMs() const;

    UniqueFd m_listener;
    ProcessLogs m_logs;
    const SyscallFilter m_syscallFilter; // compiled once, installed in every workload
    const EgressListeners m_egress; // kept for an engine that restarts and asks again
    RefusedCalls m_refusedCalls;
    DropLog m_dropLog;
    const uint64_t m_workloadDataLimit; // RLIMIT_DATA of every workload (rootless mode); 0: none
    EgressReports m_egressReports;
    UniqueFd m_signals;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::vector<std::unique_ptr<Child>> m_children;
    std::vector<std::unique_ptr<Pending>> m_pending;
    FilesHelpers m_filesHelpers;
    uint64_t m_nextConnectionId = 1;
    bool m_shuttingDown = false;
    bool m_noChildrenLeft = false;
    int64_t m_killDeadlineMs = 0;
};

} // namespace paddock::init
