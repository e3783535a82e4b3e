// A terminal with focus gets every key a terminal expects: the window-wide
// shortcuts (Quit, switching tabs) must not fire while one has focus. The
// guard accepts the ShortcutOverride event for those keys there, which tells
// Qt to deliver the key to the terminal instead. Shortcuts of the terminal
// page itself (new terminal, zoom) are not listed, so they still work.
#pragma once

#include <QKeySequence>
#include <QList>
#include <QObject>

namespace paddock::ui {

class TerminalKeyGuard : public QObject {
    Q_OBJECT
public:
    explicit TerminalKeyGuard(QObject *parent = nullptr); // watches the whole application
    void protect(const QKeySequence &key); // a window-wide key a terminal must receive
    static bool insideTerminal(const QObject *focus);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QList<QKeyCombination> m_keys;
};

} // namespace paddock::ui
