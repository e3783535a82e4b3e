// What closing the window does to running sandboxes. They keep running: the
// engine thread stops, the sandboxes (their own process trees) do not, and the
// next launch adopts them again. The first close with sandboxes running says
// so and offers to stop them instead; the answer can be remembered (QSettings)
// and changed in File → When closing.
#pragma once

#include <QString>

#include <optional>

class QWidget;

namespace paddock::ui {

enum class CloseAction { Ask, KeepRunning, StopAll };

CloseAction savedCloseAction();
void saveCloseAction(CloseAction action);

// Asks what to do about runningCount sandboxes (remembering the answer if the
// user ticks "Don't ask again"); nullopt when they cancel the close.
std::optional<CloseAction> askCloseAction(QWidget *parent, int runningCount);

} // namespace paddock::ui
