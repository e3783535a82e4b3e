// paddock secret: values the egress proxy injects for sandboxes, which
// never see them. A value is read from standard input (typed without echo
// at a terminal), never from the command line, where `ps` and shell
// history would keep it.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"

#include "paddock/secrets.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUrl>

#include <termios.h>
#include <unistd.h>

#include <algorithm>
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
    const bool typed = ::isatty(0);
    auto value = typed ? readTypedValue(name) : readBounded(0, false);
    if (!value) return value;
    if (value->endsWith('\n')) // what `echo` and here-strings add
        value->chop(1);
    if (value->endsWith('\r')) value->chop(1);
    if (value->isEmpty())
        return fail(ErrorCode::InvalidArgument,
            typed ? QStringLiteral("empty value: nothing stored")
                  : QStringLiteral("no value on standard input: paddock secret set %1 < FILE")
                        .arg(name));
    if (value->size() > kMaxSecretBytes)
        return fail(ErrorCode::InvalidArgument,
            QStringLiteral("the value is larger than %1 bytes").arg(kMaxSecretBytes));
    return value;
}

QString sourceText(const QJsonObject &o)
{
    if (o.contains(QStringLiteral("problem")))
        return QStringLiteral("stored, UNUSABLE: ") + o.value(QStringLiteral("problem")).toString();
    if (!o.contains(QStringLiteral("command")))
        return o.value(QStringLiteral("keptIn")).toString() == QLatin1String("keyring") ? QStringLiteral("stored in the keyring")
                                                                                        : QStringLiteral("stored in the file");
    const int ttl = o.value(QStringLiteral("ttl")).toInt();
    return ttl > 0 ? QStringLiteral("command, output reused %1 s").arg(ttl)
                   : QStringLiteral("command, run at each use");
}

QString shortened(const QString &text, int most)
{
    return text.size() > most ? text.left(most - 1) + QChar(0x2026) : text;
}

// A value pasted from a file with Windows line ends keeps its CR: no header
// can carry it, so an inject rule's requests would fail (502) far from here.
void warnIfControlCharacters(const QString &name, const QByteArray &value)
{
    if (std::none_of(value.begin(), value.end(), [](char c) { return uchar(c) < 0x20 || c == 0x7f; })) return;
    (void)writeRaw(2, QStringLiteral("note: the value of %1 holds a control character (a line break, pasted?): "
                                     "a header cannot carry it, so requests whose rules inject it into one "
                                     "fail; a handler may still use it\n")
                          .arg(name)
                          .toUtf8());
}

int setSecret(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, { QStringLiteral("--from-command"), QStringLiteral("--ttl") }, {});
    if (a.error.isEmpty() && a.positional.size() > 1)
        return usageError(QStringLiteral(
            "a value is read from standard input, never from the command line (where "
            "ps and shell history keep it): paddock secret set %1 < FILE")
                              .arg(a.positional[0]));
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral(
                              "usage: paddock secret set NAME   (the value from stdin)\n"
                              "       paddock secret set NAME --from-command CMD [--ttl SECONDS]")
                                            : a.error);
    const QString name = a.positional[0];
    if (!isValidSecretName(name))
        return usageError(QStringLiteral(
            "'%1' is not a secret name: 1 to 64 letters, digits and '_', starting with a letter")
                              .arg(name));
    QJsonObject body;
    if (a.values.contains(QStringLiteral("--from-command"))) {
        bool ok = true;
        const int ttl = a.value(QStringLiteral("--ttl"), QStringLiteral("0")).toInt(&ok);
        if (!ok || ttl < 0 || ttl > kMaxSecretTtlSeconds)
            return usageError(
                QStringLiteral("--ttl takes whole seconds from 0 (run at each use) to %1")
                    .arg(kMaxSecretTtlSeconds));
        if (a.value(QStringLiteral("--from-command")).trimmed().isEmpty())
            return usageError(QStringLiteral("--from-command needs a command"));
        body = { { QStringLiteral("command"), a.value(QStringLiteral("--from-command")) },
            { QStringLiteral("ttl"), ttl } };
    } else {
        if (a.values.contains(QStringLiteral("--ttl")))
            return usageError(QStringLiteral("--ttl goes with --from-command"));
        auto value = readValue(name);
        if (!value) return reportError(value.error());
        body = { { QStringLiteral("value"), QString::fromLatin1(value->toBase64()) } };
        warnIfControlCharacters(name, *value);
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
        "secrets",
        { QStringLiteral("NAME"), QStringLiteral("SOURCE"), QStringLiteral("UPDATED"),
            QStringLiteral("COMMAND") },
        [](const QJsonObject &o) {
            const QDateTime updated = QDateTime::fromString(
                o.value(QStringLiteral("updatedAt")).toString(), Qt::ISODateWithMs);
            return QStringList { o.value(QStringLiteral("name")).toString(), sourceText(o),
                updated.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                shortened(o.value(QStringLiteral("command")).toString(), 60) };
        });
}

int removeSecret(CliContext &ctx, const QStringList &args)
{
    if (args.size() != 1) return usageError(QStringLiteral("usage: paddock secret rm NAME"));
    auto r = ctx.api.call("DELETE", secretPath(args[0]));
    if (!r) return reportError(r.error());
    const QJsonArray named = r->value(QStringLiteral("stillNamedBy")).toArray();
    if (named.isEmpty()) return 0;
    QString note = QStringLiteral("note: these rules still name %1; their requests are refused until "
                                  "`paddock secret set %1` again:\n")
                       .arg(args[0]);
    for (const QJsonValue &v : named) {
        const QJsonObject rule = v.toObject();
        const QString sandbox = rule.value(QStringLiteral("sandbox")).toString();
        note += QStringLiteral("  rule %1 %2 (%3)\n")
                    .arg(rule.value(QStringLiteral("id")).toInteger())
                    .arg(rule.value(QStringLiteral("pattern")).toString(),
                        sandbox.isEmpty() ? QStringLiteral("global") : QStringLiteral("sandbox ") + sandbox);
    }
    (void)writeRaw(2, note.toUtf8());
    return 0;
}

// Prints the secret's placeholder, or with --env NAME=placeholder, ready
// for `paddock exec SB --env "$(paddock secret placeholder NAME --env)"`.
int secretPlaceholder(CliContext &ctx, const QStringList &args)
{
    CliArgs a = parseArgs(args, {}, { QStringLiteral("--env") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock secret placeholder NAME [--env]") : a.error);
    auto r = ctx.api.call("POST", secretPath(a.positional[0]) + QStringLiteral("/placeholder"));
    if (!r) return reportError(r.error());
    const QString placeholder = r->value(QStringLiteral("placeholder")).toString();
    printLine(a.flags.contains(QStringLiteral("--env")) ? a.positional[0] + u'=' + placeholder : placeholder);
    return 0;
}

} // namespace

int secretCommand(CliContext &ctx, const QStringList &args)
{
    const QString sub = args.value(0);
    if (sub == QLatin1String("set")) return setSecret(ctx, args.mid(1));
    if (sub == QLatin1String("ls")) return listSecrets(ctx, args.mid(1));
    if (sub == QLatin1String("rm")) return removeSecret(ctx, args.mid(1));
    if (sub == QLatin1String("placeholder")) return secretPlaceholder(ctx, args.mid(1));
    if (sub.isEmpty())
        return usageError(
            QStringLiteral("usage: paddock secret set|ls|rm|placeholder …   (paddock help secret)"));
    return usageError(QStringLiteral("unknown secret command '%1': use set, ls, rm or placeholder").arg(sub));
}

} // namespace paddock::cli
