#include "overview_figures.h"

#include <QCoreApplication>
#include <QLocale>
#include <QStringList>

#include <algorithm>

namespace paddock::ui {

namespace {

constexpr int kPortsShown = 12;

QString tr(const char *text) { return QCoreApplication::translate("OverviewPage", text); }

bool isAnyAddress(const QString &a) { return a == QLatin1String("0.0.0.0") || a == QLatin1String("::"); }

} // namespace

QString uptimeText(const SandboxInfo &sandbox, const QDateTime &now)
{
    if (sandbox.state != SandboxState::Running)
        return tr("stopped");
    if (!sandbox.startedAt.isValid())
        return tr("running");
    const qint64 secs = std::max<qint64>(0, sandbox.startedAt.secsTo(now));
    const qint64 days = secs / 86400, hours = secs / 3600 % 24, mins = secs / 60 % 60;
    if (days > 0)
        return tr("%1 d %2 h").arg(days).arg(hours);
    if (hours > 0)
        return tr("%1 h %2 min").arg(hours).arg(mins);
    if (mins > 0)
        return tr("%1 min %2 s").arg(mins).arg(secs % 60);
    return tr("%1 s").arg(secs);
}

// One entry per port: a port open on every address reads as the bare
// number; one bound to particular addresses names them.
QString listeningText(const ListeningPorts &ports)
{
    if (!ports.known)
        return tr("unknown");
    QStringList shown;
    int portCount = 0;
    for (qsizetype i = 0; i < ports.ports.size();) {
        const quint16 port = ports.ports[i].port;
        QStringList addresses;
        bool any = false;
        for (; i < ports.ports.size() && ports.ports[i].port == port; ++i) {
            any = any || isAnyAddress(ports.ports[i].address);
            addresses << ports.ports[i].address;
        }
        if (++portCount > kPortsShown)
            continue;
        shown << (any ? QString::number(port) : tr("%1 on %2").arg(port).arg(addresses.join(QStringLiteral(", "))));
    }
    if (shown.isEmpty())
        return ports.complete ? tr("none") : tr("unknown (too many sockets to read)");
    QString text = shown.join(QStringLiteral(" · "));
    if (portCount > kPortsShown)
        text += tr(" and %1 more").arg(portCount - kPortsShown);
    if (!ports.complete)
        text += tr(" (and perhaps others: too many sockets to read them all)");
    return text;
}

QString diskText(const DiskUsage &disk)
{
    if (!disk.known)
        return tr("unknown");
    const QLocale locale;
    const QString size = locale.formattedDataSize(disk.bytes);
    if (!disk.complete)
        return tr("more than %1 (counted %2 files, then stopped)").arg(size, locale.toString(disk.entries));
    return tr("%1 in %2 files").arg(size, locale.toString(disk.entries));
}

QString egressText(const EgressCounts &c, const QDateTime &now)
{
    const QLocale locale;
    QString text = tr("%1 allowed").arg(locale.toString(c.allowed));
    if (c.failed > 0)
        text += tr(" (%1 failed)").arg(locale.toString(c.failed));
    text += tr(", %1 denied").arg(locale.toString(c.denied));
    // The window is the last hour, or the run when that began later.
    text += c.since.isValid() && c.since.secsTo(now) < 3600 - 5 ? tr(" since the sandbox started") : tr(" in the last hour");
    if (c.open > 0)
        text += tr(" · %1 open now").arg(locale.toString(c.open));
    // Worth saying only when it is more than a few quiet connections hold.
    if (c.heldBytes >= (1 << 20))
        text += tr(" (%1 queued in Paddock)").arg(locale.formattedDataSize(c.heldBytes));
    if (c.waiting > 0)
        text += tr(" · %1 waiting for your answer").arg(c.waiting);
    return text;
}

QString processesText(const SandboxVitals &v)
{
    if (v.sandbox.state != SandboxState::Running)
        return tr("none (stopped)");
    return v.runningProcesses == 0 ? tr("no background processes") : tr("%1 running in the background").arg(v.runningProcesses);
}

} // namespace paddock::ui
