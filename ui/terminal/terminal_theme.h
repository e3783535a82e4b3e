// The terminal's colours from the application palette: background,
// text, cursor and selection from QPalette, and an ANSI set chosen for the
// background's lightness so that every colour stays readable on it
// (yellow on white needs to be dark, blue on black light).
#pragma once

#include <QPalette>
#include <QVariantMap>

namespace paddock::ui {

// An xterm.js ITheme: colour names as CSS strings ("#rrggbb").
QVariantMap terminalTheme(const QPalette &palette);

} // namespace paddock::ui
