// What the terminal tests share: reading xterm.js's screen through the
// page, typing into it, and catching any dialog a key opens instead of
// reaching the terminal.
#pragma once

#include "test_support.h"

#include "pages/terminals_page.h"
#include "terminal/terminal_view.h"

#include <QApplication>
#include <QDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimer>
#include <QWebEnginePage>

namespace paddock::test {

// Runs JavaScript in the terminal page and waits for its result.
inline QVariant terminalJs(ui::TerminalView *view, const QString &script)
{
    std::optional<QVariant> result;
    view->page()->runJavaScript(script, [&](const QVariant &v) { result = v; });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kWaitMs))
        return QStringLiteral("test: no answer from the page");
    return *result;
}

inline QString terminalScreen(ui::TerminalView *view)
{
    return terminalJs(view,
        QStringLiteral(
            "(() => { const b = term.buffer.active; const lines = [];"
            " for (let i = 0; i < b.length; ++i) lines.push(b.getLine(i).translateToString(true));"
            " return lines.join('\\n'); })()"))
        .toString();
}

// The last lines of the buffer: cheap enough to poll during a flood.
inline QString terminalTail(ui::TerminalView *view, int lines)
{
    return terminalJs(view,
        QStringLiteral("(() => { const b = term.buffer.active; const lines = [];"
                       " for (let i = Math.max(0, b.length - %1); i < b.length; ++i)"
                       " lines.push(b.getLine(i).translateToString(true));"
                       " return lines.join('\\n'); })()")
            .arg(lines))
        .toString();
}

// As if typed: through xterm.js's onData, not through key events.
inline void terminalInput(ui::TerminalView *view, const QString &text)
{
    const QString quoted
        = QString::fromUtf8(QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact))
              .mid(1)
              .chopped(1);
    terminalJs(view, QStringLiteral("term.input(%1); true").arg(quoted));
}

inline bool waitForScreen(ui::TerminalView *view, const QString &text, int timeoutMs = kWaitMs)
{
    return QTest::qWaitFor([&] { return terminalScreen(view).contains(text); }, timeoutMs);
}

// The page's keyboard focus is on xterm's input: keys sent to the view's
// focus proxy reach the terminal.
inline bool xtermHasFocus(ui::TerminalView *view)
{
    return terminalJs(
        view, QStringLiteral("document.hasFocus() && document.activeElement === term.textarea"))
        .toBool();
}

// Closes every modal dialog that opens while it lives and remembers its
// title: a key that should reach the terminal must open none.
class DialogCatcher {
public:
    DialogCatcher()
    {
        m_timer.setInterval(20);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            if (QWidget *modal = QApplication::activeModalWidget()) {
                m_titles << modal->windowTitle();
                if (auto *dialog = qobject_cast<QDialog *>(modal))
                    dialog->reject();
                else
                    modal->close();
            }
        });
        m_timer.start();
    }
    QStringList titles() const { return m_titles; }

private:
    QTimer m_timer;
    QStringList m_titles;
};

} // namespace paddock::test
