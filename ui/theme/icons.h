// Icons: the desktop's freedesktop icon theme where it has the name, else the
// one bundled in resources/icons (so a bare system still shows every icon).
#pragma once

#include <QIcon>

namespace paddock::ui {

// themeName: a freedesktop Icon Naming Spec name; bundled: a file in :/icons.
QIcon themedIcon(const QString &themeName, const QString &bundled);
QIcon appIcon();

} // namespace paddock::ui
