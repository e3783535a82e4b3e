#include "egress_log_details.h"

#include "egress_log_model.h"

#include "paddock/display_text.h"

#include <QLocale>

namespace paddock::ui {

namespace {

QString tr(const char *text) { return EgressLogDetails::tr(text); }

QString where(const EgressLogEntry &e)
{
    const QString address = e.address.contains(u':') ? u'[' + e.address + u']' : e.address;
    const QString port = e.port ? u':' + QString::number(e.port) : QString();
    if (e.host.isEmpty())
        return address + port;
    return e.address.isEmpty() ? e.host + port : QStringLiteral("%1%2 (%3)").arg(e.host, port, e.address);
}

QString bytes(qint64 n)
{
    const QLocale locale;
    return n < 1024 ? tr("%1 bytes").arg(n) : QStringLiteral("%1 (%2 bytes)").arg(locale.formattedDataSize(n), locale.toString(n));
}

} // namespace

QString describeEgressLogEntry(const EgressLogEntry &e)
{
    QStringList lines;
    auto add = [&lines](const QString &label, const QString &value) {
        if (!value.isEmpty())
            lines << label + QStringLiteral(": ") + value;
    };
    // Names, paths, reasons and process names come from the sandbox: escaped.
    add(tr("Time"), QLocale().toString(e.time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
    add(tr("Verdict"), EgressLogModel::verdictText(e));
    add(tr("Destination"), displayText(where(e)));
    add(tr("Protocol"), e.protocol);
    add(tr("Request"), displayText(e.request) + (e.httpVersion.isEmpty() ? QString() : u' ' + e.httpVersion));
    add(tr("Status"), e.status ? QString::number(e.status) : QString());
    // Fields, one per line, each escaped on its own (they come from the sandbox and the upstream).
    auto addFields = [&lines](const QString &label, const QString &fields) {
        if (fields.isEmpty())
            return;
        lines << label + u':';
        for (const QString &line : fields.split(u'\n', Qt::SkipEmptyParts))
            lines << QStringLiteral("    ") + displayText(line);
    };
    addFields(tr("Request headers (as sent upstream; injected values masked)"), e.requestHeaders);
    addFields(tr("Response headers"), e.responseHeaders);
    add(tr("Secrets injected"), e.secrets.isEmpty() ? QString() : e.secrets.join(QStringLiteral(", ")) + tr(" (names; values are never shown)"));
    add(tr("Process"), displayText(e.process));
    add(tr("Rule"), e.rule.isEmpty() ? tr("none (the default)") : displayText(e.rule));
    add(tr("Reason"), displayText(e.reason));
    add(tr("Failure"), displayText(e.failure));
    add(tr("Upstream"), displayText(e.upstream));
    if (e.verdict == EgressVerdict::Allowed) {
        add(tr("Sent"), bytes(e.bytesOut));
        add(tr("Received"), bytes(e.bytesIn));
        add(tr("Duration"), e.open ? tr("still open") : tr("%1 ms").arg(e.durationMs));
    }
    add(tr("Sandbox"), e.sandboxId);
    add(tr("Entry"), QString::number(e.id));
    return lines.join(u'\n');
}

EgressLogDetails::EgressLogDetails(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setObjectName(QStringLiteral("egressLogDetails"));
    setAccessibleName(tr("Selected log entry"));
    setPlaceholderText(tr("Select a row of the log to see all it recorded"));
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
}

void EgressLogDetails::showEntry(const EgressLogEntry *entry)
{
    const QString text = entry ? describeEgressLogEntry(*entry) : QString();
    if (text != toPlainText()) // a flood of unrelated updates leaves the selection alone
        setPlainText(text);
}

} // namespace paddock::ui
