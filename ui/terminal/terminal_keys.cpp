#include "terminal_keys.h"

#include <QKeyEvent>

namespace paddock::ui::terminalKeys {

bool terminalWantsKey(const QKeyEvent &event)
{
    // The keypad flag would make Ctrl+PageUp on the keypad a different key.
    const Qt::KeyboardModifiers mods = event.modifiers()
        & (Qt::ControlModifier | Qt::ShiftModifier | Qt::AltModifier | Qt::MetaModifier);
    const QKeySequence key(QKeyCombination(mods, Qt::Key(event.key())));
    for (const QKeySequence *areaCommand :
        { &kNewTerminal, &kCloseTerminal, &kNextTerminal, &kPreviousTerminal })
        if (key == *areaCommand) return false;
    return true;
}

} // namespace paddock::ui::terminalKeys
