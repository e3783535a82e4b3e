// Both ends of a running command's event lines (see engine/src/api/
// json_codec.h): the CLI's printer of what the engine sends, and the
// request body and messages the CLI sends.
#pragma once

#include "cli_args.h"

#include "paddock/error.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace paddock::cli {

// --cwd and --env K=V… and the command after "--" as the API's command object.
Result<QJsonObject> commandBody(const CliArgs &a);

// Splits the event stream into lines as it arrives; prints output to this
// process's stdout/stderr and keeps how the command ended.
class ExecEventPrinter {
public:
    // An error when output cannot be written (a full disk): the command's
    // stream should then stop.
    Result<void> feed(const QByteArray &bytes);
    std::optional<int> status() const { return m_status; } // the shell's convention
    std::optional<Error> error() const { return m_error; }
    bool ended() const { return m_status || m_error; }

private:
    Result<void> handle(const QJsonObject &event);
    QByteArray m_pending;
    std::optional<int> m_status;
    std::optional<Error> m_error;
};

// Messages of an interactive exec from the client's side, one line each.
QByteArray stdinMessage(const QByteArray &data);
QByteArray resizeMessage(int rows, int cols);

} // namespace paddock::cli
