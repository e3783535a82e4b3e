#include "terminal_key_guard.h"

#include "terminal/terminal_view.h"

#include <QApplication>
#include <QKeyEvent>

namespace paddock::ui {

TerminalKeyGuard::TerminalKeyGuard(QObject *parent)
    : QObject(parent)
{
    qApp->installEventFilter(this);
}

void TerminalKeyGuard::protect(const QKeySequence &key)
{
    if (!key.isEmpty()) m_keys.append(key[0]);
}

bool TerminalKeyGuard::insideTerminal(const QObject *focus)
{
    // WebEngine gives focus to a child of the view (its render widget).
    for (const QObject *o = focus; o; o = o->parent())
        if (qobject_cast<const TerminalView *>(o)) return true;
    return false;
}

bool TerminalKeyGuard::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::ShortcutOverride
        && m_keys.contains(static_cast<QKeyEvent *>(event)->keyCombination())
        && insideTerminal(watched)) {
        event->accept();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

} // namespace paddock::ui
