#include "json_codec.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace paddock::api {

namespace {

QString isoTime(const QDateTime &t) { return t.isValid() ? t.toString(Qt::ISODateWithMs) : QString(); }

} // namespace

QJsonObject toJson(const SandboxInfo &sb)
{
    return QJsonObject {
        { QStringLiteral("id"), sb.id },
        { QStringLiteral("name"), sb.name },
        { QStringLiteral("state"), sandboxStateName(sb.state) },
        { QStringLiteral("createdAt"), isoTime(sb.createdAt) },
        { QStringLiteral("startedAt"), isoTime(sb.startedAt) },
        { QStringLiteral("baseImage"), sb.baseImage },
        { QStringLiteral("dataDir"), sb.dataDir },
        { QStringLiteral("limits"), toJson(sb.limits) },
    };
}

QJsonObject toJson(const ProcessInfo &p)
{
    QJsonObject o {
        { QStringLiteral("id"), p.id },
        { QStringLiteral("sandboxId"), p.sandboxId },
        { QStringLiteral("name"), p.name },
        { QStringLiteral("argv"), QJsonArray::fromStringList(p.argv) },
        { QStringLiteral("pid"), p.pid },
        { QStringLiteral("state"), processStateName(p.state) },
        { QStringLiteral("startedAt"), isoTime(p.startedAt) },
    };
    if (p.exit) {
        o.insert(QStringLiteral("exitCode"), p.exit->exitCode >= 0 ? QJsonValue(p.exit->exitCode) : QJsonValue());
        o.insert(QStringLiteral("signal"), p.exit->signal);
        o.insert(QStringLiteral("endedAt"), isoTime(p.endedAt));
    }
    return o;
}

QJsonObject toJson(const Error &e)
{
    QJsonObject inner { { QStringLiteral("code"), errorCodeName(e.code) },
                        { QStringLiteral("message"), e.message } };
    if (!e.step.isEmpty())
        inner.insert(QStringLiteral("step"), e.step);
    return QJsonObject { { QStringLiteral("error"), inner } };
}

QJsonObject toJson(const FileInfo &f)
{
    QJsonObject o { { QStringLiteral("name"), f.name },
                    { QStringLiteral("type"), fileKindName(f.kind) },
                    { QStringLiteral("size"), double(f.size) },
                    { QStringLiteral("mode"), QString::number(f.mode, 8).rightJustified(4, QLatin1Char('0')) },
                    { QStringLiteral("modified"), f.modified.toString(Qt::ISODateWithMs) } };
    if (f.kind == FileKind::Symlink)
        o.insert(QStringLiteral("target"), f.linkTarget);
    return o;
}

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return 400;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict:
    case ErrorCode::NotRunning: return 409;
    case ErrorCode::CommandNotFound:
    case ErrorCode::NotExecutable: return 422;
    case ErrorCode::PermissionDenied: return 403;
    case ErrorCode::Timeout: return 408;
    case ErrorCode::IsolationUnavailable: return 503;
    case ErrorCode::Protocol:
    case ErrorCode::Io:
    case ErrorCode::Internal: break;
    }
    return 500;
}

Result<CommandSpec> commandFromJson(const QJsonObject &o)
{
    CommandSpec cmd;
    const QJsonArray argv = o.value(QStringLiteral("argv")).toArray();
    for (const QJsonValue &v : argv) {
        if (!v.isString())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("argv must be an array of strings"));
        cmd.argv.append(v.toString());
    }
    if (cmd.argv.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("argv must name a command"));
    cmd.cwd = o.value(QStringLiteral("cwd")).toString();
    const QJsonValue tty = o.value(QStringLiteral("tty"));
    if (tty.isObject()) {
        cmd.terminal = validTerminalSize(tty.toObject().value(QStringLiteral("rows")).toInt(24),
                                         tty.toObject().value(QStringLiteral("cols")).toInt(80));
        if (!cmd.terminal)
            return fail(ErrorCode::InvalidArgument, QStringLiteral("tty size out of range"));
    } else if (tty.toBool()) {
        cmd.terminal = TerminalSize {};
    }
    cmd.openStdin = o.value(QStringLiteral("stdin")).toBool();
    const QJsonObject env = o.value(QStringLiteral("env")).toObject();
    for (auto it = env.begin(); it != env.end(); ++it) {
        if (it.key().isEmpty() || it.key().contains(QLatin1Char('=')) || !it.value().isString())
            return fail(ErrorCode::InvalidArgument, QStringLiteral("invalid environment entry '%1'").arg(it.key()));
        cmd.env.append(it.key() + QLatin1Char('=') + it.value().toString());
    }
    return cmd;
}

namespace {
QByteArray line(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n'; }
} // namespace

QByteArray startEvent(qint64 pid)
{
    return line({ { QStringLiteral("type"), QStringLiteral("start") }, { QStringLiteral("pid"), pid } });
}

QByteArray outputEvent(OutputStream stream, const QByteArray &data)
{
    return line({ { QStringLiteral("type"), stream == OutputStream::Stdout ? QStringLiteral("stdout") : QStringLiteral("stderr") },
                  { QStringLiteral("data"), QString::fromLatin1(data.toBase64()) } });
}

QByteArray exitEvent(const ExitStatus &status)
{
    return line({ { QStringLiteral("type"), QStringLiteral("exit") },
                  { QStringLiteral("exitCode"), status.exitCode },
                  { QStringLiteral("signal"), status.signal } });
}

QByteArray errorEvent(const Error &e)
{
    return line({ { QStringLiteral("type"), QStringLiteral("error") },
                  { QStringLiteral("error"), toJson(e).value(QStringLiteral("error")) } });
}

} // namespace paddock::api
