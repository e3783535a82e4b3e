// Value types describing commands and processes inside sandboxes.
#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace paddock {

// A terminal's size in character cells.
struct TerminalSize {
    quint16 rows = 24;
    quint16 cols = 80;
};

// The largest terminal side Paddock accepts from a client.
inline constexpr int kMaxTerminalCells = 10000;

// A size from untrusted numbers, or nothing when either side is out of range.
inline std::optional<TerminalSize> validTerminalSize(int rows, int cols)
{
    if (rows < 1 || rows > kMaxTerminalCells || cols < 1 || cols > kMaxTerminalCells)
        return std::nullopt;
    return TerminalSize { quint16(rows), quint16(cols) };
}

struct CommandSpec {
    QStringList argv;
    QString cwd; // inside the sandbox; empty = /root
    QStringList env; // "K=V", added to the sandbox's default environment
    // Foreground only: a terminal (pty) inside the sandbox for stdin, stdout
    // and stderr, or else an open stdin fed by ExecSession::write.
    std::optional<TerminalSize> terminal;
    bool openStdin = false;
};

// How a process ended.
struct ExitStatus {
    int exitCode = -1; // >= 0 when it exited
    int signal = 0; // > 0 when a signal ended it

    // The shell's convention: the code, or 128 + signal.
    int shellStatus() const { return signal > 0 ? 128 + signal : exitCode; }
};

enum class ProcessState { Running, Exited, Killed, Lost };

QString processStateName(ProcessState s);

struct ProcessInfo {
    QString sandboxId;
    QString id; // "p1", "p2", … stable within the sandbox
    QString name; // optional, user-given
    QStringList argv;
    QString cwd; // as given to spawn: empty = /root
    QStringList env; // as given to spawn: "K=V" added to the sandbox's default
    qint64 pid = 0; // inside the sandbox
    ProcessState state = ProcessState::Running;
    std::optional<ExitStatus> exit;
    QDateTime startedAt;
    QDateTime endedAt;
};

enum class OutputStream { Stdout = 1, Stderr = 2 };

// What Engine::wait waits for: the process's end, or a line of its log
// matching logPattern (a Perl-style regular expression).
struct WaitCondition {
    QString logPattern; // empty: wait for the process to end
    int timeoutMs = 0; // 0: no limit
};

struct WaitResult {
    ProcessInfo process;
    QString matchedLine; // for a log pattern
};

} // namespace paddock
