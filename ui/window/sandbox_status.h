// What the window shows as a sandbox's state. The engine knows only Stopped
// and Running; the window adds what its own in-flight calls are doing
// ("starting…") and a call that failed, so the list, the actions and the
// placeholder all read one value.
#pragma once

#include "paddock/sandbox.h"

#include <QColor>
#include <QString>

namespace paddock::ui {

enum class SandboxStatus { Stopped, Running, Starting, Stopping, Restarting, Deleting, Error };

// The in-flight call a row is waiting on; None when the engine's state stands.
enum class SandboxActivity { None, Starting, Stopping, Restarting, Deleting, Failed };

SandboxStatus sandboxStatus(SandboxState state, SandboxActivity activity);
bool isTransition(SandboxStatus status);
// "running", "starting…": plain words for the list, the Overview and filters.
QString sandboxStatusText(SandboxStatus status);
// The state dot: green running, grey stopped, amber in transition, red error.
QColor sandboxStatusColour(SandboxStatus status);

} // namespace paddock::ui
