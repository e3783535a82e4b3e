// Verbs on a sandbox's files: `files ls|stat|cat|write|rm|mkdir|mv`.
#include "commands.h"

#include "cli_args.h"
#include "cli_output.h"
#include "files_api.h"

#include <QFile>
#include <QJsonArray>

namespace paddock::cli {

namespace {

// "-r" and "-p" as well as their long forms.
QStringList expandShortFlags(QStringList args)
{
    for (QString &a : args) {
        if (a == QLatin1String("-r"))
            a = QStringLiteral("--recursive");
        else if (a == QLatin1String("-p"))
            a = QStringLiteral("--parents");
    }
    return args;
}

QString entryLine(const QJsonObject &e)
{
    const QString type = e.value(QStringLiteral("type")).toString();
    const QChar mark = type == QLatin1String("directory") ? u'd' : type == QLatin1String("symlink") ? u'l' : type == QLatin1String("file") ? u'-' : u'?';
    QString line = QStringLiteral("%1 %2 %3 %4 %5")
                       .arg(mark)
                       .arg(e.value(QStringLiteral("mode")).toString())
                       .arg(qint64(e.value(QStringLiteral("size")).toDouble()), 12)
                       .arg(e.value(QStringLiteral("modified")).toString().left(19))
                       .arg(e.value(QStringLiteral("name")).toString());
    if (type == QLatin1String("symlink"))
        line += QStringLiteral(" -> ") + e.value(QStringLiteral("target")).toString();
    return line;
}

int ls(CliContext &ctx, const CliArgs &a)
{
    auto r = ctx.api.call("GET", filesPath(a.positional[0], "list", a.positional.value(1, QStringLiteral("/root"))));
    if (!r)
        return reportError(r.error());
    if (a.flags.contains(QStringLiteral("--json"))) {
        printJson(*r);
        return 0;
    }
    QJsonArray entries = r->value(QStringLiteral("entries")).toArray();
    QList<QJsonObject> sorted;
    for (const QJsonValue &v : entries)
        sorted.append(v.toObject());
    std::sort(sorted.begin(), sorted.end(), [](const QJsonObject &x, const QJsonObject &y) {
        return x.value(QStringLiteral("name")).toString() < y.value(QStringLiteral("name")).toString();
    });
    for (const QJsonObject &e : sorted)
        printLine(entryLine(e));
    return 0;
}

int stat(CliContext &ctx, const CliArgs &a)
{
    auto r = ctx.api.call("GET", filesPath(a.positional[0], "stat", a.positional[1]));
    if (!r)
        return reportError(r.error());
    a.flags.contains(QStringLiteral("--json")) ? printJson(*r) : printLine(entryLine(*r));
    return 0;
}

// Exit 0 when the path exists, 1 when it does not (quietly: a question,
// not a failure), and the error otherwise.
int exists(CliContext &ctx, const CliArgs &a)
{
    auto r = ctx.api.call("GET", filesPath(a.positional[0], "stat", a.positional[1]));
    if (r)
        return 0;
    const bool noSuchPath = r.error().code == ErrorCode::NotFound && !r.error().message.startsWith(QLatin1String("no sandbox"));
    return noSuchPath ? 1 : reportError(r.error());
}

int cat(CliContext &ctx, const CliArgs &a)
{
    auto r = download(ctx, a.positional[0], a.positional[1], [](const QByteArray &bytes) { return writeRaw(1, bytes); });
    return r ? 0 : reportError(r.error());
}

Result<QByteArray> readAllStdin()
{
    QFile in;
    if (!in.open(0, QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot read standard input"));
    return in.readAll();
}

Result<void> upload(CliContext &ctx, const QString &sb, const QString &path, const QByteArray &bytes, const QString &mode)
{
    QString target = filesPath(sb, "content", path);
    if (!mode.isEmpty())
        target += QStringLiteral("&mode=") + mode;
    auto r = ctx.api.upload(target, bytes);
    if (!r)
        return tl::unexpected(r.error());
    return {};
}

int write(CliContext &ctx, const CliArgs &a)
{
    auto bytes = readAllStdin();
    if (!bytes)
        return reportError(bytes.error());
    auto r = upload(ctx, a.positional[0], a.positional[1], *bytes, a.value(QStringLiteral("--mode")));
    return r ? 0 : reportError(r.error());
}

int simple(CliContext &ctx, const QString &sb, const char *what, const QJsonObject &body)
{
    auto r = ctx.api.call("POST", sandboxPath(sb) + QStringLiteral("/files/") + QLatin1String(what), body);
    return r ? 0 : reportError(r.error());
}

struct FilesVerb {
    const char *name;
    int positionals; // after the verb: SB and paths
    int (*run)(CliContext &, const CliArgs &);
    const char *usage;
};

const FilesVerb kFilesVerbs[] = {
    { "ls", 1, ls, "files ls SB [PATH] [--json]" },
    { "stat", 2, stat, "files stat SB PATH [--json]" },
    { "cat", 2, cat, "files cat SB PATH" },
    { "exists", 2, exists, "files exists SB PATH   (exit 0: yes, 1: no)" },
    { "write", 2, write, "files write SB PATH [--mode 644]   (content from stdin)" },
    { "rm", 2,
      [](CliContext &ctx, const CliArgs &a) {
          return simple(ctx, a.positional[0], "remove",
                        { { QStringLiteral("path"), a.positional[1] },
                          { QStringLiteral("recursive"), a.flags.contains(QStringLiteral("--recursive")) } });
      },
      "files rm SB PATH [-r]" },
    { "mkdir", 2,
      [](CliContext &ctx, const CliArgs &a) {
          return simple(ctx, a.positional[0], "mkdir",
                        { { QStringLiteral("path"), a.positional[1] },
                          { QStringLiteral("parents"), a.flags.contains(QStringLiteral("--parents")) } });
      },
      "files mkdir SB PATH [-p]" },
    { "mv", 3,
      [](CliContext &ctx, const CliArgs &a) {
          return simple(ctx, a.positional[0], "move",
                        { { QStringLiteral("from"), a.positional[1] }, { QStringLiteral("to"), a.positional[2] } });
      },
      "files mv SB FROM TO" },
};

QString filesUsage()
{
    QStringList lines;
    for (const FilesVerb &v : kFilesVerbs)
        lines << QStringLiteral("usage: paddock ") + QString::fromUtf8(v.usage);
    return lines.join(u'\n');
}

} // namespace

int filesCommand(CliContext &ctx, const QStringList &args)
{
    if (args.isEmpty())
        return usageError(filesUsage());
    const QString verb = args.first();
    for (const FilesVerb &v : kFilesVerbs) {
        if (verb != QLatin1String(v.name))
            continue;
        CliArgs a = parseArgs(expandShortFlags(args.mid(1)), { QStringLiteral("--mode") },
                              { QStringLiteral("--json"), QStringLiteral("--recursive"), QStringLiteral("--parents") });
        const bool optionalPath = v.run == ls;
        if (!a.error.isEmpty() || (a.positional.size() != v.positionals && !(optionalPath && a.positional.size() == 2)))
            return usageError(a.error.isEmpty() ? QStringLiteral("usage: paddock ") + QString::fromUtf8(v.usage) : a.error);
        return v.run(ctx, a);
    }
    return usageError(filesUsage());
}

} // namespace paddock::cli
