// /v1/resources and a sandbox's usage and limits: how limits hold on this
// machine, what a sandbox has used, and changing its limits live.
#include "api_routes.h"
#include "json_codec.h"

#include <QJsonArray>
#include <QPointer>

namespace paddock::api {

namespace {

QJsonObject limitsJson(const ResourceLimits &l)
{
    return QJsonObject { { QStringLiteral("cpus"), l.cpus },
                         { QStringLiteral("memoryBytes"), l.memoryBytes },
                         { QStringLiteral("pids"), l.pids } };
}

Error badLimit(const QString &field, const QString &want)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("limits.%1 must be %2").arg(field, want), {} };
}

// A whole number of bytes, or a size such as "2G".
std::optional<qint64> bytesFrom(const QJsonValue &v)
{
    if (v.isString())
        return parseByteSize(v.toString());
    const double d = v.toDouble(-1);
    return v.isDouble() && d >= 0 && d == double(qint64(d)) ? std::optional<qint64>(qint64(d)) : std::nullopt;
}

} // namespace

QJsonObject toJson(const ResourceLimits &limits) { return limitsJson(limits); }

QJsonObject toJson(const ResourceUsage &u)
{
    QJsonObject o { { QStringLiteral("known"), u.known },
                    { QStringLiteral("cpuSeconds"), double(u.cpuNs) / 1e9 },
                    { QStringLiteral("cpuNs"), u.cpuNs },
                    { QStringLiteral("memoryBytes"), u.memoryBytes },
                    { QStringLiteral("memoryPeakBytes"), u.memoryPeakBytes },
                    { QStringLiteral("tasks"), u.tasks } };
    if (!u.problem.isEmpty())
        o.insert(QStringLiteral("problem"), u.problem);
    return o;
}

QJsonObject toJson(const ResourceModeInfo &i)
{
    return QJsonObject { { QStringLiteral("mode"), resourceModeName(i.mode) },
                         { QStringLiteral("detail"), i.detail },
                         { QStringLiteral("enforced"), QJsonArray::fromStringList(i.enforced) },
                         { QStringLiteral("notCovered"), QJsonArray::fromStringList(i.notCovered) },
                         { QStringLiteral("defaults"), limitsJson(i.defaults) },
                         { QStringLiteral("hostCpus"), i.hostCpus } };
}

Result<ResourceLimitsChange> limitsChangeFromJson(const QJsonValue &value)
{
    ResourceLimitsChange change;
    if (value.isUndefined() || value.isNull())
        return change;
    if (!value.isObject())
        return tl::unexpected(badLimit(QStringLiteral("*"), QStringLiteral("inside an object {\"cpus\", \"memoryBytes\", \"pids\"}")));
    const QJsonObject o = value.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key() != QLatin1String("cpus") && it.key() != QLatin1String("memoryBytes") && it.key() != QLatin1String("pids"))
            return tl::unexpected(badLimit(it.key(), QStringLiteral("one of cpus, memoryBytes, pids")));
    if (o.contains(QStringLiteral("cpus"))) {
        if (!o.value(QStringLiteral("cpus")).isDouble())
            return tl::unexpected(badLimit(QStringLiteral("cpus"), QStringLiteral("a number of cores")));
        change.cpus = o.value(QStringLiteral("cpus")).toDouble();
    }
    if (o.contains(QStringLiteral("memoryBytes"))) {
        change.memoryBytes = bytesFrom(o.value(QStringLiteral("memoryBytes")));
        if (!change.memoryBytes)
            return tl::unexpected(badLimit(QStringLiteral("memoryBytes"), QStringLiteral("bytes (a whole number, or a size like \"2G\")")));
    }
    if (o.contains(QStringLiteral("pids"))) {
        const double pids = o.value(QStringLiteral("pids")).toDouble(-1);
        if (pids < 0 || pids != double(qint64(pids)))
            return tl::unexpected(badLimit(QStringLiteral("pids"), QStringLiteral("a whole number")));
        change.pids = qint64(pids);
    }
    return change;
}

void ApiRoutes::resourceMode(HttpConnection *conn, const HttpRequest &, const Params &)
{
    conn->respondJson(200, toJson(m_engine.resourceMode()));
}

void ApiRoutes::sandboxUsage(HttpConnection *conn, const HttpRequest &, const Params &p)
{
    QPointer<HttpConnection> guard(conn);
    const QString mode = resourceModeName(m_engine.resourceMode().mode);
    m_engine.sandboxUsage(p[0], [guard, mode](Result<ResourceUsage> u) {
        if (!guard)
            return;
        if (!u)
            return respondError(guard, u.error());
        QJsonObject o = toJson(*u);
        o.insert(QStringLiteral("mode"), mode);
        guard->respondJson(200, o);
    });
}

QJsonObject toJson(const UsageHistory &h)
{
    QJsonArray buckets;
    for (const UsageBucket &b : h.buckets)
        buckets.append(QJsonObject { { QStringLiteral("start"), b.start.toString(Qt::ISODate) },
                                     { QStringLiteral("seconds"), b.seconds },
                                     { QStringLiteral("cpuSeconds"), b.cpuSeconds },
                                     { QStringLiteral("memoryMaxBytes"), b.memoryMaxBytes },
                                     { QStringLiteral("memoryGibSeconds"), b.memoryGibSeconds } });
    return QJsonObject { { QStringLiteral("sandbox"), h.sandboxId },
                         { QStringLiteral("since"), h.since.toString(Qt::ISODate) },
                         { QStringLiteral("resolution"), h.resolution },
                         { QStringLiteral("cpuSeconds"), h.cpuSeconds },
                         { QStringLiteral("memoryGibSeconds"), h.memoryGibSeconds },
                         { QStringLiteral("cost"), h.cost() },
                         { QStringLiteral("prices"),
                           QJsonObject { { QStringLiteral("perVcpuSecond"), h.prices.perVcpuSecond },
                                         { QStringLiteral("perGibSecond"), h.prices.perGibSecond } } },
                         { QStringLiteral("buckets"), buckets } };
}

// ?since=1h (a duration back from now; default 1h).
void ApiRoutes::usageHistory(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    const QString text = req.query.queryItemValue(QStringLiteral("since"));
    const auto back = parseDuration(text.isEmpty() ? QStringLiteral("1h") : text);
    if (!back)
        return respondError(conn, Error { ErrorCode::InvalidArgument,
                                          QStringLiteral("since must be a duration like 90s, 15m, 1h or 7d; got '%1'").arg(text), {} });
    auto h = m_engine.usageHistory(p[0], QDateTime::currentDateTimeUtc().addSecs(-*back));
    h ? conn->respondJson(200, toJson(*h)) : respondError(conn, h.error());
}

void ApiRoutes::updateLimits(HttpConnection *conn, const HttpRequest &req, const Params &p)
{
    auto body = parseBody(req);
    if (!body)
        return respondError(conn, body.error());
    auto change = limitsChangeFromJson(*body);
    if (!change)
        return respondError(conn, change.error());
    auto sb = m_engine.updateSandboxLimits(p[0], *change);
    sb ? conn->respondJson(200, toJson(*sb)) : respondError(conn, sb.error());
}

} // namespace paddock::api
