// JSON shapes of the local API: the one place that decides how engine
// values look on the wire, for the API server and (mirrored) the CLI.
#pragma once

#include "paddock/egress.h"
#include "paddock/error.h"
#include "paddock/files.h"
#include "paddock/process.h"
#include "paddock/resources.h"
#include "paddock/sandbox.h"
#include "paddock/secrets.h"

#include <QJsonObject>

namespace paddock::api {

QJsonObject toJson(const SandboxInfo &sb);
QJsonObject toJson(const ProcessInfo &p);
QJsonObject toJson(const FileInfo &f);
QJsonObject toJson(const Error &e); // {"error": {code, message, step?}}
int httpStatus(ErrorCode code);

QJsonObject toJson(const EgressRule &r);
QJsonObject toJson(const EgressLogEntry &e);
QJsonObject toJson(const EgressQuestion &q);
QJsonObject toJson(const HostOverride &o);
QJsonObject toJson(const TrustedUpstreamCa &ca);
QJsonObject toJson(const SecretInfo &s); // never a value: there is none to show
QJsonObject toJson(const ResourceLimits &limits); // {cpus, memoryBytes, pids}
QJsonObject toJson(const ResourceUsage &usage);
QJsonObject toJson(const ResourceModeInfo &info);
QJsonObject toJson(const UsageHistory &history);
// Reads {"cpus"?, "memoryBytes"? (bytes or "2G"), "pids"?}; absent or null: no change.
Result<ResourceLimitsChange> limitsChangeFromJson(const QJsonValue &value);
// Reads {"pattern", "port"?, "action", "reason"?}.
Result<EgressRule> egressRuleFromJson(const QJsonObject &o);

// Reads {"argv": [...], "cwd": "...", "env": {"K": "V"},
//        "tty": {"rows": R, "cols": C} | true, "stdin": true}.
Result<CommandSpec> commandFromJson(const QJsonObject &o);

// The events of a running command, one JSON object per line:
// {"type": "start", "pid"}, {"type": "stdout"|"stderr", "data": base64},
// {"type": "exit", "exitCode", "signal"}, {"type": "error", "error": {…}}.
QByteArray startEvent(qint64 pid);
QByteArray outputEvent(OutputStream stream, const QByteArray &data);
QByteArray exitEvent(const ExitStatus &status);
QByteArray errorEvent(const Error &e);

} // namespace paddock::api
