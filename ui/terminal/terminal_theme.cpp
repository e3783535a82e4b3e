#include "terminal_theme.h"

#include <array>

namespace paddock::ui {

namespace {

using AnsiColours = std::array<const char *, 16>;

constexpr std::array<const char *, 16> kAnsiNames { "black", "red", "green", "yellow", "blue",
    "magenta", "cyan", "white", "brightBlack", "brightRed", "brightGreen", "brightYellow",
    "brightBlue", "brightMagenta", "brightCyan", "brightWhite" };

// VS Code's terminal colours for dark and light themes, chosen there for
// contrast on their backgrounds.
constexpr AnsiColours kOnDark { "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc",
    "#11a8cd", "#e5e5e5", "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6",
    "#29b8db", "#ffffff" };
constexpr AnsiColours kOnLight { "#000000", "#cd3131", "#00bc00", "#949800", "#0451a5", "#bc05bc",
    "#0598bc", "#555555", "#666666", "#cd3131", "#14ce14", "#b5ba00", "#0451a5", "#bc05bc",
    "#0598bc", "#a5a5a5" };

// xterm.js reads #rrggbbaa; QColor's own HexArgb puts alpha first.
QString withAlpha(const QColor &c, int alpha)
{
    return c.name(QColor::HexRgb) + QStringLiteral("%1").arg(alpha, 2, 16, QLatin1Char('0'));
}

} // namespace

QVariantMap terminalTheme(const QPalette &palette)
{
    const QColor background = palette.color(QPalette::Active, QPalette::Base);
    const QColor foreground = palette.color(QPalette::Active, QPalette::Text);
    const bool dark = background.lightness() < 128;
    QVariantMap theme {
        { QStringLiteral("background"), background.name() },
        { QStringLiteral("foreground"), foreground.name() },
        { QStringLiteral("cursor"), foreground.name() },
        { QStringLiteral("cursorAccent"), background.name() },
        { QStringLiteral("selectionBackground"),
            withAlpha(palette.color(QPalette::Active, QPalette::Highlight), 0x80) },
        { QStringLiteral("selectionInactiveBackground"),
            withAlpha(palette.color(QPalette::Inactive, QPalette::Highlight), 0x50) },
    };
    const AnsiColours &ansi = dark ? kOnDark : kOnLight;
    for (size_t i = 0; i < ansi.size(); ++i)
        theme.insert(QLatin1String(kAnsiNames[i]), QLatin1String(ansi[i]));
    return theme;
}

} // namespace paddock::ui
