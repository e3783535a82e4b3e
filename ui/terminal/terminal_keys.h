// Which keys a focused terminal keeps. A shell and the programs in it
// (bash, vim, htop, mc…) read almost every key, so the terminal claims
// all of them from the window's shortcuts and menus — except the few
// commands of the terminal area itself, which desktop terminals bind to
// Ctrl+Shift and Ctrl+PageUp/PageDown for that reason (GNOME Terminal,
// Konsole).
#pragma once

#include <QKeySequence>

class QKeyEvent;

namespace paddock::ui::terminalKeys {

inline const QKeySequence kNewTerminal { Qt::CTRL | Qt::SHIFT | Qt::Key_T };
inline const QKeySequence kCloseTerminal { Qt::CTRL | Qt::SHIFT | Qt::Key_W };
inline const QKeySequence kNextTerminal { Qt::CTRL | Qt::Key_PageDown };
inline const QKeySequence kPreviousTerminal { Qt::CTRL | Qt::Key_PageUp };

// True when the key goes to the terminal rather than to a shortcut.
bool terminalWantsKey(const QKeyEvent &event);

} // namespace paddock::ui::terminalKeys
