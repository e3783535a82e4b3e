// Engine: opening, sandbox lifecycle and re-attachment after a restart.
#include "engine_private.h"

#include "sandbox/init_launcher.h"
#include "sandbox/sandbox_naming.h"
#include "sandbox/trust_layer.h"

#include <QDir>
#include <QTimer>

#include <filesystem>

#include <signal.h>

namespace paddock {

namespace {

constexpr int kStopGraceMs = 2000;
constexpr int kStopForceAfterMs = kStopGraceMs + 3000;

QString describe(const SandboxInfo &sb)
{
    return QStringLiteral("sandbox '%1' (%2)").arg(sb.name, sb.id);
}

// Sandboxes' files may include directories without write or search
// permission (overlay's work dir, a workload's chmod 000): grant them to
// the owner first, so removal cannot stop half-way.
void removeTree(const QString &path)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path root = path.toStdString();
    fs::permissions(root, fs::perms::owner_all, fs::perm_options::add, ec);
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(root, ec);
}

} // namespace

Result<std::unique_ptr<Engine>> Engine::open(const DataPaths &paths)
{
    qRegisterMetaType<paddock::ExitStatus>();
    qRegisterMetaType<paddock::Error>();
    qRegisterMetaType<paddock::OutputStream>();
    qRegisterMetaType<paddock::EgressLogEntry>();
    qRegisterMetaType<paddock::EgressQuestion>();
    if (auto r = paths.ensureExists(); !r)
        return tl::unexpected(r.error());
    if (!paths.runtimeNotes().isEmpty())
        qWarning("paddock: sockets are in %s, because %s", qPrintable(paths.runtimeDir()),
                 qPrintable(paths.runtimeNotes().join(QStringLiteral("; "))));
    auto lock = EngineLock::acquire(paths.lockFile());
    if (!lock)
        return tl::unexpected(lock.error());
    auto db = store::Database::open(paths.database());
    if (!db)
        return tl::unexpected(db.error());
    QStringList caNotes;
    auto ca = egress::tls::PaddockCa::loadOrCreate(paths.caDir(), &caNotes);
    if (!ca)
        return tl::unexpected(ca.error());
    for (const QString &note : std::as_const(caNotes))
        qWarning("paddock: %s", qPrintable(note));
    auto d = std::make_unique<EnginePrivate>(paths, std::move(*lock), std::move(*db));
    d->ca = std::move(*ca);
    std::unique_ptr<Engine> engine(new Engine(std::move(d)));
    engine->d->startEgress();
    engine->d->reattachAll();
    engine->d->startSampler();
    return engine;
}

Engine::Engine(std::unique_ptr<EnginePrivate> priv) : d(std::move(priv)) { d->q = this; }

Engine::~Engine()
{
    // Sandboxes outlive the engine: drop connections, never the sandboxes.
    for (auto *rt : std::as_const(d->runtimes)) {
        rt->disconnect();
        delete rt;
    }
}

const DataPaths &Engine::paths() const { return d->paths; }

Result<SandboxInfo> Engine::createSandbox(const SandboxSpec &spec)
{
    SandboxInfo sb;
    sb.id = sandbox::generateSandboxId();
    sb.name = spec.name.isEmpty() ? sb.id : spec.name;
    if (!sandbox::isValidSandboxName(sb.name))
        return fail(ErrorCode::InvalidArgument, sandbox::invalidNameMessage(sb.name));
    if (auto free = d->ensureNameFree(sb.name); !free)
        return tl::unexpected(free.error());
    if (auto valid = metering::validateLimits(spec.limits); !valid)
        return tl::unexpected(valid.error());
    sb.limits = metering::withDefaults(spec.limits);
    sb.createdAt = QDateTime::currentDateTimeUtc();
    sb.baseImage = QStringLiteral("host");
    sb.state = SandboxState::Stopped;
    if (auto r = d->sandboxes.insert(sb); !r)
        return tl::unexpected(r.error().withContext(QStringLiteral("create ") + describe(sb)));
    if (auto r = d->launch(sb); !r) {
        d->sandboxes.remove(sb.id);
        removeTree(d->paths.sandboxDir(sb.id));
        return tl::unexpected(r.error().withContext(QStringLiteral("cannot create ") + describe(sb)));
    }
    return d->find(sb.id);
}

Result<QList<SandboxInfo>> Engine::listSandboxes()
{
    auto all = d->sandboxes.all();
    if (!all)
        return all;
    for (SandboxInfo &sb : *all)
        sb = d->withLiveState(sb);
    return all;
}

Result<SandboxInfo> Engine::sandbox(const QString &key) { return d->find(key); }

Result<SandboxInfo> Engine::startSandbox(const QString &key)
{
    auto sb = d->find(key);
    if (!sb)
        return sb;
    if (sb->state == SandboxState::Running)
        return sb;
    if (auto r = d->launch(*sb); !r)
        return tl::unexpected(r.error().withContext(QStringLiteral("cannot start ") + describe(*sb)));
    return d->find(sb->id);
}

Result<SandboxInfo> Engine::renameSandbox(const QString &key, const QString &newName)
{
    auto sb = d->find(key);
    if (!sb)
        return sb;
    if (!sandbox::isValidSandboxName(newName))
        return fail(ErrorCode::InvalidArgument, sandbox::invalidNameMessage(newName));
    if (auto free = d->ensureNameFree(newName, sb->id); !free)
        return tl::unexpected(free.error());
    if (auto r = d->sandboxes.rename(sb->id, newName); !r)
        return tl::unexpected(r.error());
    if (sandbox::SandboxRuntime *rt = d->runtimes.value(sb->id))
        rt->setLabel(QStringLiteral("sandbox '%1'").arg(newName));
    d->emitSandboxChanged(sb->id);
    return d->find(sb->id);
}

void Engine::stopSandbox(const QString &key, Callback<SandboxInfo> done)
{
    auto sb = d->find(key);
    if (!sb || sb->state != SandboxState::Running)
        return done(sb);
    d->stopWaiters[sb->id].append(std::move(done));
    sandbox::SandboxRuntime *rt = d->runtimes.value(sb->id);
    rt->shutdown(kStopGraceMs);
    // paddock-init gets its grace period; if it is wedged, its pid namespace dies with it.
    QPointer<sandbox::SandboxRuntime> guard(rt);
    QTimer::singleShot(kStopForceAfterMs, this, [guard] {
        if (guard)
            guard->forceKill();
    });
}

void Engine::removeSandbox(const QString &key, bool force, Callback<void> done)
{
    auto sb = d->find(key);
    if (!sb)
        return done(tl::unexpected(sb.error()));
    if (sb->state == SandboxState::Running && !force)
        return done(fail(ErrorCode::Conflict,
                         describe(*sb) + QStringLiteral(" is running: stop it first, or use --force")));
    const QString id = sb->id;
    stopSandbox(id, [this, id, done](Result<SandboxInfo> stopped) {
        if (!stopped)
            return done(tl::unexpected(stopped.error()));
        if (auto r = d->sandboxes.remove(id); !r)
            return done(r);
        d->egress->forgetSandbox(id);
        d->vitals->forget(id);
        if (d->sampler)
            d->sampler->forget(id);
        d->usageStore.forget(id);
        removeTree(d->paths.sandboxDir(id));
        Q_EMIT sandboxRemoved(id);
        done({});
    });
}

// ---- EnginePrivate: lifecycle ------------------------------------------

Result<SandboxInfo> EnginePrivate::find(const QString &key)
{
    auto sb = sandboxes.byIdOrName(key);
    if (!sb)
        return tl::unexpected(sb.error());
    if (!sb->has_value())
        return fail(ErrorCode::NotFound, QStringLiteral("no sandbox with ID or name '%1'").arg(key));
    return withLiveState(**sb);
}

Result<void> EnginePrivate::ensureNameFree(const QString &name, const QString &exceptId)
{
    auto taken = sandboxes.byIdOrName(name);
    if (taken && taken->has_value() && (*taken)->id != exceptId)
        return fail(ErrorCode::Conflict, QStringLiteral("a sandbox named '%1' already exists").arg(name));
    return {};
}

SandboxInfo EnginePrivate::withLiveState(SandboxInfo sb) const
{
    sandbox::SandboxRuntime *rt = runtimes.value(sb.id);
    sb.state = rt ? SandboxState::Running : SandboxState::Stopped;
    sb.initPid = rt ? rt->initPid() : 0;
    if (!rt)
        sb.startedAt = {};
    sb.dataDir = paths.sandboxDir(sb.id);
    return sb;
}

Result<sandbox::SandboxRuntime *> EnginePrivate::runtimeFor(const QString &key, SandboxInfo *info)
{
    auto sb = find(key);
    if (!sb)
        return tl::unexpected(sb.error());
    if (info)
        *info = *sb;
    sandbox::SandboxRuntime *rt = runtimes.value(sb->id);
    if (!rt)
        return fail(ErrorCode::NotRunning,
                    describe(*sb) + QStringLiteral(" is stopped: start it with 'paddock start %1'").arg(sb->name));
    return rt;
}

Result<void> EnginePrivate::launch(const SandboxInfo &sb)
{
    if (!baseImage) {
        auto image = sandbox::ensureHostBaseImage(paths.imagesDir());
        if (!image)
            return tl::unexpected(image.error());
        baseImage = *image;
    }
    if (!trustLayer) {
        auto layer = sandbox::ensureTrustLayer(paths.trustLayersDir(), { ca->certificatePem(), ca->subjectHash() });
        if (!layer)
            return tl::unexpected(layer.error());
        trustLayer = *layer;
    }
    const QString socketPath = paths.initSocket(sb.id);
    auto placement = resources->prepare(sb.id, metering::withDefaults(sb.limits));
    if (!placement)
        return tl::unexpected(placement.error().withContext(QStringLiteral("cannot set its resource limits")));
    auto pid = sandbox::launchInit({ sb.id, sb.name, socketPath, paths.sandboxDir(sb.id), *baseImage, *trustLayer,
                                     placement->cgroupDirs, placement->processDataLimit });
    if (!pid) {
        releaseResources(sb.id);
        return tl::unexpected(pid.error());
    }
    auto conn = sandbox::InitConnection::connectTo(socketPath);
    if (!conn) {
        ::kill(pid_t(*pid), SIGKILL); // never leave a sandbox nobody can reach
        releaseResources(sb.id);
        return tl::unexpected(conn.error());
    }
    sandbox::InitProcess init = sandbox::proveInitProcess(**conn, *pid);
    if (!init.proven()) {
        ::kill(pid_t(*pid), SIGKILL); // a sandbox the engine cannot stop is not started
        releaseResources(sb.id);
        return fail(ErrorCode::Protocol, QStringLiteral("paddock-init is not the process launched: %1").arg(init.problem));
    }
    attach(sb, std::move(*conn), std::move(init));
    // Without its egress sockets served, the sandbox's connections would
    // hang unanswered: refuse to run it instead (never unchecked traffic).
    if (auto r = egress->attachSandbox(sb.id, socketPath); !r) {
        runtimes.value(sb.id)->forceKill();
        return tl::unexpected(r.error().withContext(QStringLiteral("cannot set up egress interception")));
    }
    return {};
}

void EnginePrivate::attach(const SandboxInfo &sb, std::unique_ptr<sandbox::InitConnection> conn,
                           sandbox::InitProcess init)
{
    auto *rt = new sandbox::SandboxRuntime(sb.id, std::move(init), std::move(conn));
    rt->setLabel(QStringLiteral("sandbox '%1'").arg(sb.name));
    runtimes.insert(sb.id, rt);
    const QString id = sb.id;
    QObject::connect(rt, &sandbox::SandboxRuntime::stopped, q, [this, id] { onRuntimeStopped(id); });
    QObject::connect(rt, &sandbox::SandboxRuntime::backgroundExited, q,
                     [this, id](const QString &procId, ExitStatus status) {
                         onBackgroundExited(id, procId, status);
                     });
    sandboxes.setState(sb.id, SandboxState::Running, rt->initPid());
    emitSandboxChanged(sb.id);
}

void EnginePrivate::reattachAll()
{
    auto all = sandboxes.all();
    if (!all)
        return;
    for (const SandboxInfo &sb : *all) {
        auto conn = sandbox::InitConnection::connectTo(paths.initSocket(sb.id), 1000);
        if (!conn) {
            // Its PID 1 is gone (reboot, killed): so are its processes.
            sandboxes.setState(sb.id, SandboxState::Stopped, 0);
            procs.endAllRunning(sb.id, ProcessState::Lost);
            releaseResources(sb.id);
            continue;
        }
        sandbox::InitProcess init = sandbox::proveInitProcess(**conn, sb.initPid);
        if (!init.proven())
            qWarning("%s: adopted without control of its PID 1: %s", qPrintable(describe(sb)),
                     qPrintable(init.problem));
        attach(sb, std::move(*conn), std::move(init));
        if (auto r = egress->attachSandbox(sb.id, paths.initSocket(sb.id)); !r)
            qWarning("%s: no egress (nothing leaves it): %s", qPrintable(describe(sb)), qPrintable(r.error().message));
        const QString id = sb.id;
        runtimes.value(id)->listProcesses([this, id](Result<std::vector<wire::ProcessEntry>> live) {
            if (live)
                reconcile(id, *live);
        });
    }
}

void EnginePrivate::onRuntimeStopped(const QString &sandboxId)
{
    sandbox::SandboxRuntime *rt = runtimes.take(sandboxId);
    if (!rt)
        return;
    rt->deleteLater();
    egress->detachSandbox(sandboxId);
    releaseResources(sandboxId);
    if (sampler)
        sampler->forget(sandboxId); // a new run's counters start again from 0
    sandboxes.setState(sandboxId, SandboxState::Stopped, 0);
    // Stopping PID 1 ended every process of the sandbox.
    if (auto all = procs.forSandbox(sandboxId))
        for (const ProcessInfo &p : *all)
            if (p.state == ProcessState::Running)
                onBackgroundExited(sandboxId, p.id, ExitStatus { -1, SIGKILL });
    emitSandboxChanged(sandboxId);
    for (auto &done : stopWaiters.take(sandboxId))
        done(find(sandboxId));
}

void EnginePrivate::releaseResources(const QString &sandboxId, int attemptsLeft)
{
    if (resources->release(sandboxId) || attemptsLeft <= 0)
        return;
    QTimer::singleShot(100, q, [this, sandboxId, attemptsLeft] {
        if (!runtimes.contains(sandboxId)) // started again meanwhile: its cgroups are in use
            releaseResources(sandboxId, attemptsLeft - 1);
    });
}

void EnginePrivate::emitSandboxChanged(const QString &sandboxId)
{
    if (auto sb = find(sandboxId))
        Q_EMIT q->sandboxChanged(*sb);
}

} // namespace paddock
