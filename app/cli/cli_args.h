// A verb's command line: positionals, options (some with values, some
// repeatable), and the command after "--".
#pragma once

#include <QMultiHash>
#include <QSet>
#include <QStringList>

namespace paddock::cli {

struct CliArgs {
    QStringList positional;
    QMultiHash<QString, QString> values; // "--env" → every value given
    QSet<QString> flags; // "--json"
    QStringList command; // after "--"
    QString error; // set when the line does not parse

    QString value(const QString &name, const QString &fallback = {}) const
    {
        return values.contains(name) ? values.value(name) : fallback;
    }
    QStringList all(const QString &name) const
    {
        QStringList v = values.values(name);
        std::reverse(v.begin(), v.end()); // QMultiHash returns the newest first
        return v;
    }
};

// valueOptions take a value ("--cwd DIR" or "--cwd=DIR"); flagOptions don't.
CliArgs parseArgs(const QStringList &args, const QSet<QString> &valueOptions,
                  const QSet<QString> &flagOptions);

} // namespace paddock::cli
