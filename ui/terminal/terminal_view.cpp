#include "terminal_view.h"

#include "terminal_keys.h"

#include <QKeyEvent>
#include <QWebChannel>
#include <QWebEnginePage>

void paddockInitTerminalPage(); // resources/terminal/terminal_page.cpp

namespace paddock::ui {

namespace {

// Page errors go to the app's log (and so to test logs), not nowhere.
class LoggingPage : public QWebEnginePage {
public:
    using QWebEnginePage::QWebEnginePage;

protected:
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message,
        int line, const QString &source) override
    {
        if (level == ErrorMessageLevel)
            qWarning("terminal page: %s (%s:%d)", qPrintable(message), qPrintable(source), line);
    }
};

} // namespace

TerminalView::TerminalView(EngineBridge &engine, TerminalAppearance &appearance,
    const QString &sandboxId, const QStringList &argv, QWidget *parent)
    : QWebEngineView(parent)
    , m_host(new TerminalHost(engine, appearance, sandboxId, argv, this))
    , m_channel(new QWebChannel(this))
{
    static const bool resourcesReady = (paddockInitTerminalPage(), true);
    Q_UNUSED(resourcesReady);
    setPage(new LoggingPage(this));
    m_channel->registerObject(QStringLiteral("host"), m_host);
    page()->setWebChannel(m_channel);
    setContextMenuPolicy(Qt::NoContextMenu);
    setAccessibleName(tr("Terminal"));
    // The page focuses xterm itself when it comes up; Qt's focus may have
    // been asked for before the web view had a widget to take it.
    connect(m_host, &TerminalHost::pageReady, this, [this] {
        if (window()->focusWidget() == this) setFocus(Qt::OtherFocusReason);
    });
    load(QUrl(QStringLiteral("qrc:/terminal/terminal.html")));
}

void TerminalView::focusTerminal()
{
    setFocus(Qt::OtherFocusReason);
    Q_EMIT m_host->focusRequested();
}

bool TerminalView::event(QEvent *event)
{
    // The web view's focus proxy leaves a ShortcutOverride it does not use
    // to its parents, here; accepting it sends the key to the page instead
    // of to a shortcut of the window (a menu's Ctrl+N, a toolbar's F2).
    if (event->type() == QEvent::ShortcutOverride
        && terminalKeys::terminalWantsKey(*static_cast<QKeyEvent *>(event))) {
        event->accept();
        return true;
    }
    return QWebEngineView::event(event);
}

} // namespace paddock::ui
