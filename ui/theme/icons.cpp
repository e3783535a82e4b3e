#include "icons.h"

// Q_INIT_RESOURCE must be called outside any namespace; in a static library
// the resource's own initialiser is dropped by the linker unless referenced.
static void initPaddockResources()
{
    Q_INIT_RESOURCE(paddock);
}

namespace paddock::ui {

namespace {

void ensureResources()
{
    static const bool done = (initPaddockResources(), true);
    (void)done;
}

} // namespace

QIcon themedIcon(const QString &themeName, const QString &bundled)
{
    ensureResources();
    if (bundled.isEmpty()) return QIcon::fromTheme(themeName);
    return QIcon::fromTheme(themeName, QIcon(QStringLiteral(":/icons/%1.svg").arg(bundled)));
}

QIcon appIcon()
{
    ensureResources();
    return QIcon(QStringLiteral(":/icons/paddock.svg"));
}

} // namespace paddock::ui
