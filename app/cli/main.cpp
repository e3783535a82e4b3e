// paddock: the command line. Verbs talk to the engine serving the data dir
// over its API socket, starting a headless engine first when none runs.
#include "cli_output.h"
#include "commands.h"
#include "engine_autostart.h"

#include <QCoreApplication>
#include <QFile>

#include <unistd.h>

namespace {

using namespace paddock::cli;

struct Verb {
    const char *name;
    int (*run)(CliContext &, const QStringList &);
    const char *usage;
};

constexpr Verb kVerbs[] = {
    { "create", createCommand,
        "create [NAME] [--cpus N] [--memory SIZE] [--pids N] [--json]   create and start a sandbox;\n"
        "                                      prints its ID (limits left out: see paddock info)" },
    { "update", updateCommand,
        "update SB [--cpus N] [--memory SIZE] [--pids N]   change its limits (a running one's at once)" },
    { "usage", usageCommand,
        "usage SB [--since DURATION] [--json]   CPU, memory and tasks it uses, its limits, and what\n"
        "                                      the last DURATION (default 1h) would have cost" },
    { "info", infoCommand, "info [--json]                        how limits hold here, and what they miss" },
    { "ls", lsCommand, "ls [--json]                          list sandboxes" },
    { "start", startCommand, "start SB                             start a stopped sandbox" },
    { "stop", stopCommand, "stop SB                              stop a sandbox (its files stay)" },
    { "rm", rmCommand, "rm SB [--force]                      delete a sandbox and its files" },
    { "exec", execCommand,
        "exec SB [--cwd DIR] [--env K=V]… -- CMD [ARG…]   run a command; exits with its status" },
    { "shell", shellCommand,
        "shell SB [--cwd DIR] [--env K=V]… [-- CMD…]   a terminal in the sandbox (default: bash "
        "-l)" },
    { "spawn", spawnCommand,
        "spawn SB [--name NAME] -- CMD…       start a background process; prints its ID" },
    { "ps", psCommand, "ps SB [--json]                       list background processes" },
    { "logs", logsCommand, "logs SB PROC [--follow]              print a process's output" },
    { "kill", killCommand, "kill SB PROC [--signal SIG]          signal a process (default TERM)" },
    { "wait", waitCommand,
        "wait SB PROC [--exit | --log REGEX] [--timeout S]   until it exits / prints a match" },
    { "files", filesCommand,
        "files ls|stat|cat|write|rm|mkdir|mv SB PATH…   a sandbox's files (write: from stdin)" },
    { "watch", watchCommand,
        "watch SB PATH [--exclude GLOB]… [--since N] [--json]   changes as they happen" },
    { "egress", egressCommand,
        "egress rules|allow|deny|ask|rm|move SB|--global …   where a sandbox may connect\n"
        "         egress allow|deny|ask|inspect SB|--global PATTERN [--port N] [--method M] [--path /GLOB]\n"
        "                [--reason TEXT] [--at POS]   the first rule that matches decides\n"
        "         egress inject SB|--global HOST [--header 'Name: {{secret.X}}']… [--query n={{secret.X}}]…\n"
        "                [--port N] [--method M] [--path /GLOB] [--at POS]   inspect, adding credentials\n"
        "         egress handler SB|--global PATTERN FILE.js [--secret NAME]… [--port N] [--method M] [--path /GLOB]\n"
        "                [--at POS]   inspect, and let FILE.js's handle(request, secrets) send, rewrite, answer\n"
        "                or deny each request (again with the same PATTERN, port, method and path: replaces the\n"
        "                script; see README, Handlers)\n"
        "         egress try-handler FILE.js [--secret NAME]… [--method M] [--url URL] [--header 'N: v']… [--body TEXT]\n"
        "                [--json]   what the handler would do with that request (URL default\n"
        "                https://api.example.com/; secret values masked)\n"
        "         egress log SB|--all [--follow] [--json] [--denied|--allowed|--failed] [--host HOST[:PORT]] [--limit N]\n"
        "         egress pending · answer Q ANSWER · mode SB ask-unlisted|deny-unlisted\n"
        "         for every sandbox: egress resolve NAME ADDR[:PORT] | --rm NAME\n"
        "                            egress proxy [http://HOST:PORT [--no-proxy LIST] | --off | --environment]\n"
        "                            egress trust-ca FILE | --list | --rm FINGERPRINT   CAs of inspected upstreams" },
    { "secret", secretCommand,
        "secret set NAME · set NAME --from-command CMD [--ttl S] · ls [--json] · rm NAME\n"
        "         secret placeholder NAME [--env]   a worthless stand-in for a tool that insists on\n"
        "         a token; the field an inject rule sets replaces it, and the log shows it elsewhere\n"
        "         values inspect rules inject into sandboxes' requests (egress inject);\n"
        "         sandboxes never see them. set reads the value from stdin; it is kept in the\n"
        "         desktop's keyring where one answers, else DATA_DIR/secrets/values.json (0600);\n"
        "         ls says which (PADDOCK_SECRET_STORE=file, set for the engine: always the file).\n"
        "         --from-command runs CMD on the host, as you,\n"
        "         when the value is needed (at most 30 s, 64 KiB), reusing it for --ttl S (0: each "
        "use)" },
    { "cp", cpCommand,
        "cp SRC DST                           copy a file between host and sandbox (SB:PATH)" },
};

void printUsage()
{
    QString text = QStringLiteral(
        "usage: paddock [--data-dir DIR] VERB …\n\n"
        "  serve                                run a headless engine in the foreground\n"
        "  engine status|stop                   the engine serving the data dir (stop: sandboxes keep running)\n");
    for (const Verb &v : kVerbs)
        text += QStringLiteral("  %1\n").arg(QString::fromUtf8(v.usage));
    text += QStringLiteral(
        "\nSB is a sandbox ID or name; PROC a process ID or name.\n"
        "The data dir defaults to $PADDOCK_DATA_DIR, then $XDG_DATA_HOME/paddock.\n");
    (void)writeRaw(1, text.toUtf8());
}

// Replaces this process with paddock-desktop, found beside it.
int openDesktop(const QString &dataDir)
{
    QByteArray exe = QFile::encodeName(
        QCoreApplication::applicationDirPath() + QStringLiteral("/paddock-desktop"));
    QByteArray dir = QFile::encodeName(dataDir);
    std::vector<char *> argv { exe.data() };
    QByteArray flag = "--data-dir";
    if (!dataDir.isEmpty()) {
        argv.push_back(flag.data());
        argv.push_back(dir.data());
    }
    argv.push_back(nullptr);
    ::execv(exe.constData(), argv.data());
    return reportError(paddock::Error { paddock::ErrorCode::Internal,
        QStringLiteral("cannot start %1: %2")
            .arg(QString::fromLocal8Bit(exe), qt_error_string(errno)) });
}

// `VERB --help` or `VERB -h` before any `--` (after it, they are the
// command's own).
bool asksForHelp(const QStringList &args)
{
    for (const QString &a : args) {
        if (a == QLatin1String("--")) return false;
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) return true;
    }
    return false;
}

int printVerbUsage(const QString &verb)
{
    if (verb == QLatin1String("serve")) {
        printLine(QStringLiteral(
            "usage: paddock [--data-dir DIR] serve    run a headless engine in the foreground"));
        return 0;
    }
    if (verb == QLatin1String("engine")) {
        printLine(QStringLiteral("usage: paddock [--data-dir DIR] engine status|stop    whether an engine serves the "
                                 "data dir; stop it (its sandboxes keep running, the next engine takes them up)"));
        return 0;
    }
    for (const Verb &v : kVerbs)
        if (verb == QLatin1String(v.name)) {
            // Written raw: the usage's own line breaks are meant.
            (void)writeRaw(1,
                QStringLiteral("usage: paddock [--data-dir DIR] %1\n")
                    .arg(QString::fromUtf8(v.usage))
                    .toUtf8());
            return 0;
        }
    return usageError(QStringLiteral("unknown verb '%1'").arg(verb));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    QString dataDir;
    while (!args.isEmpty() && args.first().startsWith(QLatin1String("--"))) {
        QString opt = args.takeFirst();
        if (opt == QLatin1String("--version")) {
            printLine(QStringLiteral("paddock %1").arg(QStringLiteral(PADDOCK_VERSION)));
            return 0;
        }
        if (opt == QLatin1String("--help")) {
            printUsage();
            return 0;
        }
        if (opt == QLatin1String("--data-dir") && !args.isEmpty())
            dataDir = args.takeFirst();
        else if (opt.startsWith(QLatin1String("--data-dir=")))
            dataDir = opt.section(QLatin1Char('='), 1);
        else
            return usageError(QStringLiteral("unknown option %1").arg(opt));
    }
    if (args.isEmpty()
        && (qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")))
        return openDesktop(dataDir); // `paddock` alone, at a desktop: the window
    if (args.isEmpty()) {
        printUsage();
        return kExitUsage;
    }
    const QString verb = args.takeFirst();
    if (verb == QLatin1String("-h") || verb == QLatin1String("help"))
        return args.isEmpty() ? (printUsage(), 0) : printVerbUsage(args.first());
    if (asksForHelp(args)) return printVerbUsage(verb);
    const paddock::DataPaths paths = paddock::DataPaths::resolve(dataDir);
    if (verb == QLatin1String("serve")) return serveCommand(paths, args);
    if (verb == QLatin1String("engine")) return engineCommand(paths, args);
    for (const Verb &v : kVerbs) {
        if (verb != QLatin1String(v.name)) continue;
        CliContext ctx { paths,
            ApiClient(paths.apiSocket(), [&paths] { return ensureEngine(paths); }) };
        return v.run(ctx, args);
    }
    return usageError(QStringLiteral("unknown verb '%1'").arg(verb));
}
