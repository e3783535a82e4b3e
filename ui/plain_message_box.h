// Message boxes whose text quotes what a sandbox chose (paths, errors that
// name its files, process names). QMessageBox's static helpers guess the
// format and render anything that looks like HTML as rich text, so a file
// named "<img src=…>" would become markup; these never do, and escape
// control and direction-changing characters (paddock/display_text.h).
#pragma once

#include <QString>

class QWidget;

namespace paddock::ui {

// Yes/No; true for Yes. No is the default: Enter or Escape changes nothing.
bool askPlain(QWidget *parent, const QString &title, const QString &text);
void warnPlain(QWidget *parent, const QString &title, const QString &text);

} // namespace paddock::ui
