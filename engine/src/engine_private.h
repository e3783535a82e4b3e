// The engine's state, shared by engine.cpp (sandbox lifecycle) and
// engine_processes.cpp (commands and processes). Thread: the engine thread.
#pragma once

#include "egress/egress_service.h"
#include "egress/inspection.h"
#include "egress/tls/paddock_ca.h"
#include "engine_lock.h"
#include "metering/resource_control.h"
#include "metering/usage_reader.h"
#include "metering/usage_sampler.h"
#include "sandbox/host_base_image.h"
#include "sandbox/log_reader.h"
#include "sandbox/sandbox_runtime.h"
#include "sandbox/vitals_sampler.h"
#include "store/database.h"
#include "store/egress_log_store.h"
#include "store/egress_name_store.h"
#include "store/egress_rule_store.h"
#include "store/process_store.h"
#include "store/settings_store.h"
#include "store/sandbox_store.h"
#include "store/secret_store.h"
#include "store/usage_store.h"
#include "secrets/secret_vault.h"

#include "paddock/engine.h"

#include <QHash>
#include <QPointer>

#include <optional>

namespace paddock {

namespace files {
class SandboxFiles;
}

class EnginePrivate {
public:
    EnginePrivate(DataPaths paths, EngineLock lock, std::unique_ptr<store::Database> db)
        : paths(std::move(paths)), lock(std::move(lock)), db(std::move(db)), sandboxes(*this->db),
          procs(*this->db), egressRules(*this->db), egressNames(*this->db), egressLogStore(*this->db),
          settings(*this->db), secretMeta(*this->db), usageStore(*this->db), vault(secretMeta, this->paths.secretsDir())
    {
    }

    Engine *q = nullptr;
    DataPaths paths;
    EngineLock lock;
    std::unique_ptr<store::Database> db;
    store::SandboxStore sandboxes;
    store::ProcessStore procs;
    store::EgressRuleStore egressRules;
    store::EgressNameStore egressNames;
    store::EgressLogStore egressLogStore;
    store::SettingsStore settings;
    store::SecretStore secretMeta;
    store::UsageStore usageStore;
    secrets::SecretVault vault;
    std::unique_ptr<egress::Inspection> inspection; // made by startEgress; outlives the service that uses it
    std::unique_ptr<egress::EgressService> egress; // made by Engine::open, after the stores
    std::optional<egress::tls::PaddockCa> ca; // made by Engine::open
    std::optional<sandbox::BaseImage> baseImage;
    std::optional<QString> trustLayer; // the CA bundle sandboxes start with
    QHash<QString, sandbox::SandboxRuntime *> runtimes; // by sandbox id; owned here
    QHash<QString, QList<Callback<SandboxInfo>>> stopWaiters; // by sandbox id
    QList<QPointer<sandbox::LogReader>> followers;
    std::unique_ptr<sandbox::VitalsSampler> vitals = std::make_unique<sandbox::VitalsSampler>();
    std::unique_ptr<metering::ResourceControl> resources = metering::detectResourceControl();
    std::unique_ptr<metering::UsageReader> usage = std::make_unique<metering::UsageReader>(*resources);
    std::unique_ptr<metering::UsageSampler> sampler; // made by Engine::open, started after re-attach

    Result<SandboxInfo> find(const QString &key);
    // Conflict when another sandbox (not exceptId) has this name or ID.
    Result<void> ensureNameFree(const QString &name, const QString &exceptId = {});
    Result<sandbox::SandboxRuntime *> runtimeFor(const QString &key, SandboxInfo *info = nullptr);
    Result<files::SandboxFiles *> filesFor(const QString &key, SandboxInfo *info = nullptr);
    SandboxInfo withLiveState(SandboxInfo sb) const;
    Result<void> launch(const SandboxInfo &sb);
    void startEgress();
    // A sandbox's rules scope: its ID, or empty (global) for an empty key.
    Result<QString> egressScope(const QString &key);
    void attach(const SandboxInfo &sb, std::unique_ptr<sandbox::InitConnection> conn, sandbox::InitProcess init);
    void reattachAll();
    void reconcile(const QString &sandboxId, const std::vector<wire::ProcessEntry> &live);
    void onRuntimeStopped(const QString &sandboxId);
    // Removes a stopped sandbox's cgroups, trying again while they are busy.
    void releaseResources(const QString &sandboxId, int attemptsLeft = 20);
    void startSampler();
    void onBackgroundExited(const QString &sandboxId, const QString &procId, ExitStatus status);
    void emitSandboxChanged(const QString &sandboxId);
};

} // namespace paddock
