#include "cli_args.h"

namespace paddock::cli {

CliArgs parseArgs(const QStringList &args, const QSet<QString> &valueOptions,
                  const QSet<QString> &flagOptions)
{
    CliArgs out;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == QLatin1String("--")) {
            out.command = args.mid(i + 1);
            break;
        }
        if (!a.startsWith(QLatin1String("--")) || a.size() == 2) {
            out.positional.append(a);
            continue;
        }
        QString name = a.section(QLatin1Char('='), 0, 0);
        if (flagOptions.contains(name) && !a.contains(QLatin1Char('='))) {
            out.flags.insert(name);
        } else if (valueOptions.contains(name)) {
            if (a.contains(QLatin1Char('=')))
                out.values.insert(name, a.section(QLatin1Char('='), 1));
            else if (i + 1 < args.size())
                out.values.insert(name, args[++i]);
            else
                out.error = QStringLiteral("%1 needs a value").arg(name);
        } else {
            out.error = QStringLiteral("unknown option %1").arg(a);
        }
    }
    return out;
}

} // namespace paddock::cli
