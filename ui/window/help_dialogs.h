// Help → About Paddock and Help → Command-line usage.
#pragma once

class QWidget;

namespace paddock::ui {

void showAbout(QWidget *parent);
void showCommandLineUsage(QWidget *parent);

} // namespace paddock::ui
