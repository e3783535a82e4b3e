#include "handler_runtime.h"

#include "handler_natives.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace paddock::handler {

namespace {

constexpr size_t kKeptScripts = 8;
constexpr std::chrono::milliseconds kMaxLimit(30'000);

QString prelude()
{
    QFile f(QStringLiteral(":/handler_prelude.js"));
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// "TypeError: x is undefined (sign.js:3)": where in the user's script,
// also when the error was thrown by the prelude on its behalf.
QString describeError(const QJSValue &error, const QString &script)
{
    QString text = error.toString();
    QString file = error.property(QStringLiteral("fileName")).toString();
    if (file.startsWith(QStringLiteral("file:"))) file.remove(0, 5);
    int line = error.property(QStringLiteral("lineNumber")).toInt();
    if (file != script) {
        // Stack lines read "function@file:name:line": the first in the script.
        for (const QString &frame :
            error.property(QStringLiteral("stack")).toString().split(u'\n')) {
            const qsizetype at = frame.indexOf(QStringLiteral("file:") + script + u':');
            if (at < 0) continue;
            file = script;
            line = frame.mid(at + 6 + script.size()).toInt();
            break;
        }
    }
    // Thrown by the prelude about what the script returned: no line of the script to name.
    if (line > 0 && (file == script || script.isEmpty()))
        text += QStringLiteral(" (%1:%2)").arg(file).arg(line);
    return text;
}

QString compact(const QJsonValue &v)
{
    return QString::fromUtf8(v.isArray()
            ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
            : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
}

// An error may quote what the script was handed.
QString masked(QString text, const QJsonObject &secrets)
{
    for (auto it = secrets.begin(); it != secrets.end(); ++it)
        if (const QString value = it.value().toString(); value.size() >= 4)
            text.replace(value, QStringLiteral("{{secret.%1}}").arg(it.key()));
    return text;
}

QJsonObject failure(const QJsonValue &id, const QString &error, const QJsonArray &logs = {})
{
    return QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("ok"), false },
        { QStringLiteral("error"), error }, { QStringLiteral("logs"), logs } };
}

} // namespace

struct HandlerRuntime::Script {
    QByteArray key; // sha256 of scope, name, source and secret names
    QString fileName; // as errors name it
    QJSEngine engine;
    QJSValue handle, run, logs;
};

HandlerRuntime::HandlerRuntime(RunBounds &bounds)
    : m_bounds(bounds)
{
}

HandlerRuntime::~HandlerRuntime() = default;

QJsonObject HandlerRuntime::run(const QJsonObject &call)
{
    const QJsonValue id = call.value(QStringLiteral("id"));
    const auto limit
        = std::clamp(std::chrono::milliseconds(call.value(QStringLiteral("timeoutMs")).toInt(2000)),
            std::chrono::milliseconds(1), kMaxLimit);
    QString error;
    Script *script = scriptFor(call, limit, &error);
    if (!script) {
        QJsonObject reply = failure(id, error);
        reply.insert(QStringLiteral("stage"), QStringLiteral("compile"));
        return reply;
    }
    QJsonObject reply = runIn(*script, call, limit);
    reply.insert(QStringLiteral("id"), id);
    if (call.value(QStringLiteral("scope")).toString().isEmpty()) forget(script);
    return reply;
}

HandlerRuntime::Script *HandlerRuntime::scriptFor(
    const QJsonObject &call, std::chrono::milliseconds limit, QString *error)
{
    const QString source = call.value(QStringLiteral("source")).toString();
    const QString name = call.value(QStringLiteral("name")).toString();
    const QString scope = call.value(QStringLiteral("scope")).toString();
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &part :
        { scope, name, source, compact(call.value(QStringLiteral("secretNames"))) }) {
        hash.addData(part.toUtf8());
        hash.addData(QByteArrayView("\0", 1));
    }
    const QByteArray key = hash.result();
    for (auto it = m_scripts.begin(); it != m_scripts.end() && !scope.isEmpty(); ++it)
        if ((*it)->key == key) {
            m_scripts.splice(m_scripts.begin(), m_scripts, it);
            return m_scripts.front().get();
        }

    auto script = std::make_unique<Script>();
    script->key = key;
    QJSEngine &js = script->engine;
    js.globalObject().setProperty(
        QStringLiteral("__paddockNatives"), js.newQObject(new HandlerNatives(&js)));
    if (QJSValue r = js.evaluate(prelude(), QStringLiteral("paddock-prelude.js")); r.isError()) {
        *error = QStringLiteral("the handler prelude failed: ") + describeError(r, QString());
        return nullptr;
    }
    // The script's top level runs here: it is bounded like a call.
    m_bounds.arm(&js, limit);
    const QString fileName = name.isEmpty() ? QStringLiteral("handler.js") : name;
    const QJSValue top = js.evaluate(source, fileName);
    if (m_bounds.disarm()) {
        *error = QStringLiteral("the script's top level ran past the time bound of %1 ms")
                     .arg(limit.count());
        return nullptr;
    }
    if (top.isError()) {
        *error = describeError(top, fileName);
        return nullptr;
    }
    script->fileName = fileName;
    script->handle = js.globalObject().property(QStringLiteral("handle"));
    if (!script->handle.isCallable()) {
        *error = QStringLiteral("the script defines no function handle(request, secrets)");
        return nullptr;
    }
    script->run = js.globalObject().property(QStringLiteral("__paddockRun"));
    script->logs = js.globalObject().property(QStringLiteral("__paddockLogs"));
    m_scripts.push_front(std::move(script));
    if (m_scripts.size() > kKeptScripts) m_scripts.pop_back();
    return m_scripts.front().get();
}

QJsonObject HandlerRuntime::runIn(
    Script &script, const QJsonObject &call, std::chrono::milliseconds limit)
{
    const QJsonValue id = call.value(QStringLiteral("id"));
    m_bounds.arm(&script.engine, limit);
    const QJSValue out
        = script.run.call({ script.handle, compact(call.value(QStringLiteral("request"))),
            compact(call.value(QStringLiteral("secrets"))) });
    const bool timedOut = m_bounds.disarm();
    if (timedOut || out.isError()) {
        script.engine.setInterrupted(false);
        const QJsonArray logs
            = QJsonDocument::fromJson(script.logs.call().toString().toUtf8()).array();
        const QString error = timedOut
            ? QStringLiteral("it ran past its time bound of %1 ms and was stopped")
                  .arg(limit.count())
            : describeError(out, script.fileName);
        if (timedOut) forget(&script);
        return failure(id, masked(error, call.value(QStringLiteral("secrets")).toObject()), logs);
    }
    const QJsonObject parsed = QJsonDocument::fromJson(out.toString().toUtf8()).object();
    return QJsonObject { { QStringLiteral("ok"), true },
        { QStringLiteral("result"), parsed.value(QStringLiteral("result")) },
        { QStringLiteral("logs"), parsed.value(QStringLiteral("logs")) } };
}

void HandlerRuntime::forget(const Script *script)
{
    m_scripts.remove_if([script](const std::unique_ptr<Script> &s) { return s.get() == script; });
}

} // namespace paddock::handler
