// The CLI's verbs. Each takes the words after the verb and returns the
// process exit status.
#pragma once

#include "api_client.h"
#include "cli_args.h"

#include "paddock/data_paths.h"

#include <QJsonObject>
#include <QStringList>

#include <functional>

namespace paddock::cli {

struct CliContext {
    DataPaths paths;
    ApiClient api;
};

// Replaces this process with paddock-engine (returns only on failure).
int serveCommand(const DataPaths &paths, const QStringList &args);
int engineCommand(const DataPaths &paths, const QStringList &args);
// paddock-engine: $PADDOCK_ENGINE_BIN, else beside this executable.
QString engineBinary();

int createCommand(CliContext &ctx, const QStringList &args);
int lsCommand(CliContext &ctx, const QStringList &args);
int startCommand(CliContext &ctx, const QStringList &args);
int stopCommand(CliContext &ctx, const QStringList &args);
int rmCommand(CliContext &ctx, const QStringList &args);
int updateCommand(CliContext &ctx, const QStringList &args);
int usageCommand(CliContext &ctx, const QStringList &args);
int infoCommand(CliContext &ctx, const QStringList &args);
// --cpus, --memory and --pids (create and update) into the body's "limits".
const QSet<QString> &limitOptions();
Result<void> putLimits(const CliArgs &a, QJsonObject &body);

int execCommand(CliContext &ctx, const QStringList &args);
int shellCommand(CliContext &ctx, const QStringList &args);
int spawnCommand(CliContext &ctx, const QStringList &args);
int psCommand(CliContext &ctx, const QStringList &args);
int logsCommand(CliContext &ctx, const QStringList &args);
int killCommand(CliContext &ctx, const QStringList &args);
int waitCommand(CliContext &ctx, const QStringList &args);

int filesCommand(CliContext &ctx, const QStringList &args);
int cpCommand(CliContext &ctx, const QStringList &args);
int watchCommand(CliContext &ctx, const QStringList &args);
int egressCommand(CliContext &ctx, const QStringList &args);
int egressHandlerCommand(CliContext &ctx, const QStringList &args);
int egressLogCommand(CliContext &ctx, const QStringList &args);
int egressPendingCommand(CliContext &ctx, const QStringList &args);
int egressAnswerCommand(CliContext &ctx, const QStringList &args);
int egressTryHandlerCommand(CliContext &ctx, const QStringList &args);
// --port, --method and --path of `paddock egress allow|…|handler` into a rule's JSON.
Result<void> putRuleScope(const CliArgs &a, QJsonObject &body);
// The inspect rule a command would write again: same scope, pattern, port and request.
std::optional<QJsonObject> sameInspectRule(CliContext &ctx, const QString &scope, const QJsonObject &wanted);
// PUTs `body` over `existing` and moves it where --at says, if it says.
Result<QJsonObject> rewriteRule(
    CliContext &ctx, const CliArgs &a, const QString &scope, const QJsonObject &existing, const QJsonObject &body);
// Warns on stderr about each of `names` that is not a secret yet.
void warnAboutUnsetSecrets(CliContext &ctx, const QStringList &names);
// Says so when the rule `id` of `scope` ("" for the global ones) sits behind one that hides it.
void warnIfShadowed(CliContext &ctx, const QString &scope, qint64 id);
int secretCommand(CliContext &ctx, const QStringList &args);

// GETs `target` and prints the array under `key`: as JSON, or a table with
// one row(element) per element.
int printList(CliContext &ctx, const QString &target, bool json, const char *key, const QStringList &header,
              const std::function<QStringList(const QJsonObject &)> &row);

// "/v1/sandboxes/<sb>" with the key percent-encoded.
QString sandboxPath(const QString &key);

} // namespace paddock::cli
