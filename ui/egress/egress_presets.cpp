#include "egress_presets.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace paddock::ui {

namespace {

QJsonObject toJson(const EgressPreset &p)
{
    return QJsonObject { { QStringLiteral("name"), p.name },
                         { QStringLiteral("patterns"), QJsonArray::fromStringList(p.patterns) },
                         { QStringLiteral("port"), int(p.port) } };
}

QList<EgressPreset> fromJson(const QJsonArray &array)
{
    QList<EgressPreset> out;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        EgressPreset p { o.value(QStringLiteral("name")).toString(), {}, quint16(o.value(QStringLiteral("port")).toInt()) };
        for (const QJsonValue &pattern : o.value(QStringLiteral("patterns")).toArray())
            p.patterns << pattern.toString();
        if (!p.name.isEmpty() && !p.patterns.isEmpty())
            out.append(p);
    }
    return out;
}

} // namespace

QList<EgressPreset> defaultEgressPresets()
{
    return {
        { QStringLiteral("GitHub"), { QStringLiteral("github.com"), QStringLiteral("*.github.com"), QStringLiteral("*.githubusercontent.com") }, 443 },
        { QStringLiteral("Python packages (PyPI)"), { QStringLiteral("pypi.org"), QStringLiteral("files.pythonhosted.org") }, 443 },
        { QStringLiteral("Rust crates"), { QStringLiteral("crates.io"), QStringLiteral("*.crates.io") }, 443 },
        { QStringLiteral("Go modules"), { QStringLiteral("proxy.golang.org"), QStringLiteral("sum.golang.org") }, 443 },
        { QStringLiteral("Anthropic API"), { QStringLiteral("api.anthropic.com") }, 443 },
        { QStringLiteral("OpenAI API"), { QStringLiteral("api.openai.com") }, 443 },
    };
}

EgressPresets loadEgressPresets()
{
    EgressPresets out;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + QStringLiteral("/paddock");
    out.path = dir + QStringLiteral("/egress-presets.json");
    QFile file(out.path);
    if (file.open(QIODevice::ReadOnly)) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
        out.presets = fromJson(doc.object().value(QStringLiteral("presets")).toArray());
        if (!out.presets.isEmpty())
            return out;
        out.problem = error.error != QJsonParseError::NoError
            ? QObject::tr("%1: %2 (using the built-in presets)").arg(out.path, error.errorString())
            : QObject::tr("%1 has no presets (using the built-in ones)").arg(out.path);
        out.presets = defaultEgressPresets();
        return out;
    }
    out.presets = defaultEgressPresets();
    // First use: write them where the user can change them.
    QJsonArray array;
    for (const EgressPreset &p : out.presets)
        array.append(toJson(p));
    if (QDir().mkpath(dir) && file.open(QIODevice::WriteOnly))
        file.write(QJsonDocument(QJsonObject { { QStringLiteral("presets"), array } }).toJson());
    return out;
}

} // namespace paddock::ui
