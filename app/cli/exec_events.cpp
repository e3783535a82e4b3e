#include "exec_events.h"

#include "cli_output.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace paddock::cli {

Result<QJsonObject> commandBody(const CliArgs &a)
{
    if (a.command.isEmpty())
        return fail(ErrorCode::InvalidArgument, QStringLiteral("give the command after --"));
    QJsonObject env;
    for (const QString &kv : a.all(QStringLiteral("--env"))) {
        if (!kv.contains(QLatin1Char('=')) || kv.startsWith(QLatin1Char('=')))
            return fail(ErrorCode::InvalidArgument, QStringLiteral("--env wants K=V, got '%1'").arg(kv));
        env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    }
    return QJsonObject { { QStringLiteral("argv"), QJsonArray::fromStringList(a.command) },
                         { QStringLiteral("cwd"), a.value(QStringLiteral("--cwd")) },
                         { QStringLiteral("env"), env } };
}

Result<void> ExecEventPrinter::feed(const QByteArray &bytes)
{
    m_pending += bytes;
    qsizetype nl;
    while ((nl = m_pending.indexOf('\n')) >= 0) {
        const QJsonObject event = QJsonDocument::fromJson(m_pending.left(nl)).object();
        m_pending.remove(0, nl + 1);
        if (auto r = handle(event); !r)
            return r;
    }
    return {};
}

Result<void> ExecEventPrinter::handle(const QJsonObject &event)
{
    const QString type = event.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("stdout") || type == QLatin1String("stderr")) {
        QByteArray data = QByteArray::fromBase64(event.value(QStringLiteral("data")).toString().toLatin1());
        return writeRaw(type == QLatin1String("stdout") ? 1 : 2, data);
    } else if (type == QLatin1String("error")) {
        QJsonObject e = event.value(QStringLiteral("error")).toObject();
        m_error = Error { errorCodeFromName(e.value(QStringLiteral("code")).toString()),
                          e.value(QStringLiteral("message")).toString() };
    } else if (type == QLatin1String("exit")) {
        int signal = event.value(QStringLiteral("signal")).toInt();
        m_status = signal > 0 ? 128 + signal : event.value(QStringLiteral("exitCode")).toInt();
    }
    return {};
}

QByteArray stdinMessage(const QByteArray &data)
{
    return QJsonDocument(QJsonObject { { QStringLiteral("type"), QStringLiteral("stdin") },
                                       { QStringLiteral("data"), QString::fromLatin1(data.toBase64()) } })
               .toJson(QJsonDocument::Compact)
        + '\n';
}

QByteArray resizeMessage(int rows, int cols)
{
    return QJsonDocument(QJsonObject { { QStringLiteral("type"), QStringLiteral("resize") },
                                       { QStringLiteral("rows"), rows },
                                       { QStringLiteral("cols"), cols } })
               .toJson(QJsonDocument::Compact)
        + '\n';
}

} // namespace paddock::cli
