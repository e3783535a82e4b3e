// One command running in the foreground of a sandbox, its output streamed.
// Created by Engine::exec; deletes itself after finished() or failed().
#pragma once

#include "paddock/error.h"
#include "paddock/process.h"

#include <QByteArray>
#include <QObject>

#include <functional>

namespace paddock {

namespace sandbox {
class SandboxRuntime;
}

class ExecSession : public QObject {
    Q_OBJECT
public:
    // Signals the command's whole process group.
    void kill(int signal = 15);
    // Input for the command's terminal or stdin (CommandSpec::terminal or
    // openStdin); dropped once the command has ended.
    void write(const QByteArray &data);
    void closeStdin(); // end of file for a stdin pipe
    void resize(TerminalSize size); // the terminal's new size (SIGWINCH inside)

Q_SIGNALS:
    void started(qint64 pid);
    void output(paddock::OutputStream stream, const QByteArray &data);
    void finished(paddock::ExitStatus status);
    // The command never ran (not found, not executable, bad cwd) or the
    // sandbox went away; error.code says which.
    void failed(const paddock::Error &error);

private:
    friend class Engine;
    friend class sandbox::SandboxRuntime;
    explicit ExecSession(QObject *parent = nullptr) : QObject(parent) { }
    struct Controls {
        std::function<void(int)> kill;
        std::function<void(const QByteArray &)> write;
        std::function<void()> closeStdin;
        std::function<void(TerminalSize)> resize;
    };
    Controls m_controls;
};

} // namespace paddock

Q_DECLARE_METATYPE(paddock::ExitStatus)
Q_DECLARE_METATYPE(paddock::Error)
Q_DECLARE_METATYPE(paddock::OutputStream)
