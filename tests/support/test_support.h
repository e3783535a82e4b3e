// Helpers shared by the test executables: a private data dir per test, and
// waiting on the engine's asynchronous answers with clear failures.
#pragma once

#include "paddock/data_paths.h"
#include "paddock/engine.h"

#include <QByteArray>
#include <QEventLoop>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <optional>

namespace paddock::test {

inline constexpr int kWaitMs = 30000;

// A data dir that is removed (sandboxes stopped first) when it goes away.
class TestDataDir {
public:
    TestDataDir();
    ~TestDataDir();
    DataPaths paths() const { return m_paths; }
    QString path() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    DataPaths m_paths;
};

// One engine with one running sandbox, shared by a whole test case.
struct SandboxFixture {
    std::unique_ptr<TestDataDir> data;
    std::unique_ptr<Engine> engine;
    SandboxInfo sandbox;

    // Returns what failed, or an empty string.
    QString setUp(const QString &name);
    void tearDown()
    {
        engine.reset(); // before the data dir, which removes the sandbox
        data.reset();
    }
};

// Runs fn(callback) and spins the event loop until the callback fires.
template<typename T>
Result<T> await(const std::function<void(Callback<T>)> &fn, int timeoutMs = kWaitMs)
{
    std::optional<Result<T>> result;
    QEventLoop loop;
    fn([&](Result<T> r) {
        result = std::move(r);
        loop.quit();
    });
    if (!result) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!result)
        return fail(ErrorCode::Timeout, QStringLiteral("test: no answer within %1 ms").arg(timeoutMs));
    return std::move(*result);
}

struct ExecOutput {
    QByteArray out;
    QByteArray err;
    std::optional<ExitStatus> status;
    std::optional<Error> error;
    int shellStatus() const { return status ? status->shellStatus() : -1; }
    // "(status 0) what it printed", for a failed check's message.
    QString summary() const
    {
        return QStringLiteral("(status %1) %2").arg(shellStatus()).arg(QString::fromUtf8(out + err));
    }
};

// A file's bytes; empty when it cannot be read.
QByteArray fileContents(const QString &path);

// Runs argv in the sandbox through Engine::exec and collects everything.
ExecOutput execIn(Engine &engine, const QString &sandbox, const QStringList &argv,
                  const QString &cwd = {}, const QStringList &env = {}, int timeoutMs = kWaitMs);

// The paddock CLI, run as a process with the given data dir.
struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};
// `input`, when given, is the command's standard input (then closed).
CliRun runCli(const QString &dataDir, const QStringList &args, int timeoutMs = kWaitMs, const QByteArray &input = {});
QString cliBinary();

// The newest egress log entry of a sandbox that satisfies `pred` (and whose
// host or address contains `text`), waiting up to 5 s for it to be logged.
std::optional<EgressLogEntry> waitForEgressLog(Engine &engine, const QString &sandboxId,
                                               const std::function<bool(const EgressLogEntry &)> &pred,
                                               const QString &text = {});

// A sandbox's egress now (open connections, bytes the engine holds for
// them), from its vitals; all zero when they do not come.
EgressCounts egressNow(Engine &engine, const QString &sandboxId);

// Gone, or a zombie waiting for the host's init to reap it.
bool processIsAlive(qint64 pid);

// Stops every sandbox and the headless engine of a data dir used via the CLI.
void shutDownCliEngine(const QString &dataDir);

} // namespace paddock::test
