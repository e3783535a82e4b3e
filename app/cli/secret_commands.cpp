// paddock secret: values the egress proxy injects for sandboxes, which
// never see them. A value is read from standard input (typed without echo
// at a terminal), never from the command line, where `ps` and shell
// history would keep it.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include "paddock/secrets.h"

#include <QJsonArray>
#include <QUrl>

#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace paddock::cli {

namespace {

QString secretPath(const QString &name)
{
    return QStringLiteral("/v1/secrets/") + QString::fromLatin1(QUrl::toPercentEncoding(name));
}

// Reads at most kMaxSecretBytes + 1 bytes (so that "too large" is seen).
Result<QByteArray> readBounded(int fd, bool oneLine)
{
    QByteArray value;
    char buf[4096];
    while (value.size() <= kMaxSecretBytes) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(ErrorCode::Io, QStringLiteral("cannot read standard input"));
        if (n == 0) break;
        value.append(buf, n);
        if (oneLine && value.contains('\n')) return value.left(value.indexOf('\n'));
    }
    return value;
}

// At a terminal: a prompt on stderr and the line typed, without echo.
Result<QByteArray> readTypedValue(const QString &name)
{
    (void)writeRaw(2, QStringLiteral("Value of %1 (not shown): ").arg(name).toUtf8());
    termios saved {};
    const bool terminal = ::tcgetattr(0, &saved) == 0;
    if (terminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        ::tcsetattr(0, TCSAFLUSH, &quiet);
    }
    auto value = readBounded(0, true);
    if (terminal) ::tcsetattr(0, TCSAFLUSH, &saved);
    (void)writeRaw(2, "\n");
    return value;
}

Result<QByteArray> readValue(const QString &name)
{
    auto value = ::isatty(0) ? readTypedValue(name) : readBounded(0, false);
    if (!value) return value;
    if (value->endsWith('\n')) // what `echo` and here-strings add
        value->chop(1);
    if (value->endsWith('\r')) value->chop(1);
    if (value->isEmpty())
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("no value on standard input: "
                           "paddock secret set %1 < FILE, or type it")
                .arg(name));
    if (value->size() > kMaxSecretBytes)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("the value is larger than %1 bytes").arg(kMaxSecretBytes));
    return value;
}

int setSecret(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--from-command"), QStringLiteral("--ttl") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral(
                              "usage: paddock secret set NAME   (the value from stdin)\n"
                              "       paddock secret set NAME --from-command CMD [--ttl SECONDS]")
                                            : a.error);
    const QString name = a.positional[0];
    if (!isValidSecretName(name))
        return usageError(QStringLiteral(
            "'%1' is not a secret name: letters, digits and '_', starting with a letter")
                              .arg(name));
    QJsonObject body;
    if (a.values.contains(QStringLiteral("--from-command"))) {
        bool ok = true;
        const int ttl = a.value(QStringLiteral("--ttl"), QStringLiteral("0")).toInt(&ok);
        if (!ok) return usageError(QStringLiteral("--ttl takes whole seconds"));
        body = { { QStringLiteral("command"), a.value(QStringLiteral("--from-command")) },
            { QStringLiteral("ttl"), ttl } };
    } else {
        if (a.values.contains(QStringLiteral("--ttl")))
            return usageError(QStringLiteral("--ttl goes with --from-command"));
        auto value = readValue(name);
        if (!value) return reportError(value.error());
        body = { { QStringLiteral("value"), QString::fromLatin1(value->toBase64()) } };
    }
    auto r = ctx.api.call("PUT", secretPath(name), body);
    return r ? 0 : reportError(r.error());
}

int listSecrets(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--json") });
    if (!a.error.isEmpty() || !a.positional.isEmpty())
        return usageError(
            a.error.isEmpty() ? QStringLiteral("usage: paddock secret ls [--json]") : a.error);
    return printList(ctx, QStringLiteral("/v1/secrets"), a.flags.contains(QStringLiteral("--json")),
        "secrets", { QStringLiteral("NAME"), QStringLiteral("SOURCE"), QStringLiteral("UPDATED") },
        [](const QJsonObject &o) {
            QString source = o.value(QStringLiteral("source")).toString();
            if (o.contains(QStringLiteral("command")))
                source = QStringLiteral("command: %1 (reused %2 s)")
                             .arg(o.value(QStringLiteral("command")).toString())
                             .arg(o.value(QStringLiteral("ttl")).toInt());
            return QStringList { o.value(QStringLiteral("name")).toString(), source,
                o.value(QStringLiteral("updatedAt")).toString() };
        });
}

int removeSecret(CliContext &ctx, const QStringList &args)
{
    if (args.size() != 1) return usageError(QStringLiteral("usage: paddock secret rm NAME"));
    auto r = ctx.api.call("DELETE", secretPath(args[0]));
    return r ? 0 : reportError(r.error());
}

} // namespace

int secretCommand(CliContext &ctx, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("set")) return setSecret(ctx, args.mid(1));
    if (sub == QLatin1String("ls")) return listSecrets(ctx, args.mid(1));
    if (sub == QLatin1String("rm")) return removeSecret(ctx, args.mid(1));
    return usageError(QStringLiteral("usage: paddock secret set|ls|rm …"));
}

} // namespace paddock::cli
