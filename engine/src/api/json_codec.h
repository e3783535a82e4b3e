// JSON shapes of the local API: the one place that decides how engine
// values look on the wire, for the API server and (mirrored) the CLI.
#pragma once

#include "paddock/error.h"
#include "paddock/process.h"
#include "paddock/sandbox.h"

#include <QJsonObject>

namespace paddock::api {

QJsonObject toJson(const SandboxInfo &sb);
QJsonObject toJson(const ProcessInfo &p);
QJsonObject toJson(const Error &e); // {"error": {code, message, step?}}
int httpStatus(ErrorCode code);

// Reads {"argv": [...], "cwd": "...", "env": {"K": "V"}}.
Result<CommandSpec> commandFromJson(const QJsonObject &o);

} // namespace paddock::api
