// The engine: sandboxes, their processes and their state, for one data dir.
//
// Everything here runs on the thread the Engine lives on (the engine
// thread); front ends call it there (queued signals/slots from a UI thread,
// directly from the API server). Slow work never blocks a caller's thread
// for long: results of requests that involve a sandbox arrive through
// callbacks or signals, on the engine thread.
#pragma once

#include "paddock/data_paths.h"
#include "paddock/egress.h"
#include "paddock/error.h"
#include "paddock/exec_session.h"
#include "paddock/file_download.h"
#include "paddock/file_upload.h"
#include "paddock/file_watch.h"
#include "paddock/files.h"
#include "paddock/log_stream.h"
#include "paddock/process.h"
#include "paddock/sandbox.h"
#include "paddock/sandbox_vitals.h"
#include "paddock/secrets.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace paddock {

template <typename T> using Callback = std::function<void(Result<T>)>;

class EnginePrivate;

class Engine : public QObject {
    Q_OBJECT
public:
    // Takes the data dir's engine lock, opens the database, and re-attaches
    // to every sandbox that is still running. Fails if another engine holds
    // the lock.
    static Result<std::unique_ptr<Engine>> open(const DataPaths &paths);
    ~Engine() override;

    const DataPaths &paths() const;

    // Sandboxes. `key` is an ID or a name.
    Result<SandboxInfo> createSandbox(const SandboxSpec &spec); // created and started
    Result<QList<SandboxInfo>> listSandboxes();
    Result<SandboxInfo> sandbox(const QString &key);
    Result<SandboxInfo> startSandbox(const QString &key);
    // The new name shows inside (hostname) from the next start on.
    Result<SandboxInfo> renameSandbox(const QString &key, const QString &newName);
    void stopSandbox(const QString &key, Callback<SandboxInfo> done);
    void removeSandbox(const QString &key, bool force, Callback<void> done);
    // A sandbox at a glance: running processes, listening ports, the disk
    // its own layer uses, the last hour's egress. The socket tables and the
    // disk walk are read on worker threads; `done` runs on the engine
    // thread, after at most the walk's bound (5 s) on a huge layer — the
    // walk is repeated only when its last result is stale, so asking every
    // couple of seconds is cheap.
    void sandboxVitals(const QString &key, Callback<SandboxVitals> done);

    // Resources (paddock/resources.h): how limits hold on this machine, and
    // what a sandbox has used (read on a worker; `done` on the engine thread).
    ResourceModeInfo resourceMode() const;
    void sandboxUsage(const QString &key, Callback<ResourceUsage> done);
    // What it used from `since` on, sampled each second while it ran, and
    // what that would have cost on Cloudflare Containers.
    Result<UsageHistory> usageHistory(const QString &key, const QDateTime &since);
    // Changes some limits; a running sandbox's change is in force at once
    // (cgroup modes) or from its next start (the rootless memory limit).
    Result<SandboxInfo> updateSandboxLimits(const QString &key, const ResourceLimitsChange &change);

    // Foreground command; the session reports output and the end.
    Result<ExecSession *> exec(const QString &key, const CommandSpec &cmd);

    // Background processes. `proc` is a process ID or name.
    void spawn(const QString &key, const CommandSpec &cmd, const QString &name,
        Callback<ProcessInfo> done);
    Result<QList<ProcessInfo>> processes(const QString &key);
    Result<ProcessInfo> process(const QString &key, const QString &proc);
    void kill(const QString &key, const QString &proc, int signal, Callback<void> done);
    // The process's log (stdout and stderr interleaved); with follow, the
    // stream goes on until the process ends. `range` picks the part to read
    // (paddock/log_stream.h); a range with `until` never follows.
    Result<LogStream *> logs(
        const QString &key, const QString &proc, bool follow, const LogRange &range = {});
    // For agents: until the process ends or prints a match (Timeout error
    // after the condition's timeout).
    void wait(const QString &key, const QString &proc, const WaitCondition &until,
        Callback<WaitResult> done);

    // Files of a running sandbox (paddock/files.h for paths). Done inside
    // the sandbox by a helper with a workload's rights.
    void statFile(const QString &key, const QString &path, Callback<FileInfo> done);
    void listFiles(const QString &key, const QString &path, Callback<QList<FileInfo>> done);
    // Regular files only; chunks come in order, then `done` with the size.
    void readFile(const QString &key, const QString &path,
        std::function<void(const QByteArray &)> chunk, Callback<qint64> done);
    // At most `maxBytes` from the start of a file, for viewers: the read
    // stops there, however long (or endless) the file turns out to be.
    void readFileHead(
        const QString &key, const QString &path, qint64 maxBytes, Callback<FileHead> done);
    // Atomic: readers see the old content or the new. `mode` applies to a
    // new file; an existing one keeps its own.
    void writeFile(const QString &key, const QString &path, const QByteArray &data, uint mode,
        Callback<void> done);
    // For content too large to hold: written piece by piece, put in place
    // at finish(). The caller owns the upload until it finishes.
    Result<FileUpload *> openUpload(const QString &key, const QString &path, uint mode);
    // The streamed, flow-controlled way to read a large file.
    Result<FileDownload *> openDownload(const QString &key, const QString &path);
    void makeDirectory(const QString &key, const QString &path, bool parents, Callback<void> done);
    void removePath(const QString &key, const QString &path, bool recursive, Callback<void> done);
    void movePath(const QString &key, const QString &from, const QString &to, Callback<void> done);
    // Live changes under `path`, without what matches `excludes` (globs
    // relative to it: "node_modules/**"). `since` as in TreeWatch: none →
    // from now, 0 → a snapshot first, N → catch up after version N. The
    // caller deletes the watch to stop.
    Result<FileWatch *> watchFiles(const QString &key, const QString &path,
        const QStringList &excludes, std::optional<quint64> since = std::nullopt);

    // Egress (paddock/egress.h). `key` names a sandbox; an empty key means
    // the global defaults, which apply after every sandbox's own rules.
    // Changes apply to running sandboxes at once.
    Result<QList<EgressRule>> egressRules(const QString &key);
    // At `position` in the list (-1: last). The pattern is normalised
    // (lower case, no trailing dot) and validated.
    Result<EgressRule> addEgressRule(const QString &key, EgressRule rule, int position = -1);
    Result<EgressRule> updateEgressRule(const QString &key, const EgressRule &rule);
    Result<void> removeEgressRule(const QString &key, qint64 ruleId);
    Result<void> moveEgressRule(const QString &key, qint64 ruleId, int position);
    Result<EgressSettings> egressSettings(const QString &key);
    Result<void> setEgressSettings(const QString &key, const EgressSettings &settings);
    // Newest first.
    Result<QList<EgressLogEntry>> egressLog(const EgressLogQuery &query);
    QList<EgressQuestion> egressQuestions() const;
    Result<void> answerEgressQuestion(const QString &questionId, EgressAnswer answer);
    // How long a held connection waits for an answer before it is denied
    // (default 60 s); applies to questions asked from now on.
    void setEgressQuestionTimeout(int ms);
    // How many fake addresses each sandbox's DNS hands out (default, and at
    // most, 131,070), for sandboxes started from now on. Tests make the pool
    // small to see it wrap; nothing else needs fewer.
    void setEgressAddressSlots(quint32 slots);
    Result<QList<HostOverride>> hostOverrides();
    Result<void> setHostOverride(const HostOverride &o);
    Result<void> removeHostOverride(const QString &name);
    // CAs inspected upstreams may chain to beyond the host's trust store
    // (`paddock egress trust-ca FILE`): every certificate in `pem` is added
    // (a CA, or a self-signed server certificate); new connections use them.
    Result<QList<TrustedUpstreamCa>> trustedUpstreamCas();
    Result<QList<TrustedUpstreamCa>> trustUpstreamCa(const QByteArray &pem);
    Result<void> untrustUpstreamCa(const QString &fingerprint);
    // Runs `handler` on a sample request as the gate would, with the real
    // secrets it names, and reports what would happen (secret values
    // masked); egress/handler/handler_trial.h has the shapes.
    void tryEgressHandler(const EgressHandler &handler, const QJsonObject &sample, Callback<QJsonObject> done);
    // A proxy Paddock cannot use is refused here; one that breaks later
    // makes connections fail, never go out directly.
    Result<void> setForwardProxy(const ForwardProxySettings &settings);
    // As in effect (from the environment when so set).
    ForwardProxySettings forwardProxy() const;

    // Secrets (paddock/secrets.h): values go in and never come back out;
    // what is listed is names and sources.
    Result<SecretInfo> setSecret(const QString &name, const QByteArray &value);
    // The value is the host command's output at use time, reused for
    // ttlSeconds; the command runs once first and is saved only if it works.
    void setSecretCommand(
        const QString &name, const QString &command, int ttlSeconds, Callback<SecretInfo> done);
    Result<QList<SecretInfo>> secrets();
    Result<void> removeSecret(const QString &name);
    // The rules, global and every sandbox's, that inject the secret or hand
    // it to their handler: what stops working without it.
    Result<QList<EgressRule>> rulesNamingSecret(const QString &name);
    // A stand-in for the secret a sandbox may hold ("paddock_ph_NAME_…") where
    // a tool insists on a token: worth nothing, logged wherever it is sent
    // outside a field an inspect rule injects. Made once; the same text every time after.
    Result<QString> secretPlaceholder(const QString &name);

Q_SIGNALS:
    void sandboxChanged(const paddock::SandboxInfo &sandbox);
    void sandboxRemoved(const QString &id);
    void processChanged(const paddock::ProcessInfo &process);
    // A decision, and again when an allowed connection ends (open false).
    void egressLogged(const paddock::EgressLogEntry &entry);
    void egressQuestionAsked(const paddock::EgressQuestion &question);
    // `outcome`: an answer's name, or "timeout".
    void egressQuestionClosed(const QString &questionId, const QString &outcome);
    // `sandboxId` empty: the global defaults changed.
    void egressRulesChanged(const QString &sandboxId);

private:
    explicit Engine(std::unique_ptr<EnginePrivate> d);
    std::unique_ptr<EnginePrivate> d;
    friend class EnginePrivate;
};

} // namespace paddock
