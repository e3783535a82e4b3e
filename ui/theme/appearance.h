// View → Appearance: follow the system (the platform's palette and style, as
// Qt 6.4 has no colour-scheme hint), or force Fusion light or dark
// application-wide. Pages that draw their own colours (the terminal) follow
// QPalette, so they change with it.
#pragma once

#include <QString>

namespace paddock::ui {

enum class Appearance { System, Light, Dark };

// Applies and remembers (QSettings) the choice.
void setAppearance(Appearance appearance);
Appearance savedAppearance();
// Applies the saved choice; call once after the QApplication exists.
void applySavedAppearance();
// True when the palette in force is dark (window text lighter than the window).
bool paletteIsDark();

} // namespace paddock::ui
