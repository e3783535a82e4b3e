#include "files_api.h"

#include <QUrl>

namespace paddock::cli {

QString filesPath(const QString &sb, const char *what, const QString &path)
{
    return sandboxPath(sb) + QStringLiteral("/files/") + QLatin1String(what) + QStringLiteral("?path=")
        + QString::fromLatin1(QUrl::toPercentEncoding(path));
}

Result<void> download(CliContext &ctx, const QString &sb, const QString &path, const DataSink &sink)
{
    return ctx.api.stream("GET", filesPath(sb, "content", path), {}, sink);
}

} // namespace paddock::cli
