#include "terminal_view.h"

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
    void javaScriptConsoleMessage(JavaScriptConsoleMessageLevel level, const QString &message, int line,
                                  const QString &source) override
    {
        if (level == ErrorMessageLevel)
            qWarning("terminal page: %s (%s:%d)", qPrintable(message), qPrintable(source), line);
    }
};

} // namespace

TerminalView::TerminalView(EngineBridge &engine, const QString &sandboxId, const QStringList &argv, QWidget *parent)
    : QWebEngineView(parent), m_host(new TerminalHost(engine, sandboxId, argv, this)), m_channel(new QWebChannel(this))
{
    static const bool resourcesReady = (paddockInitTerminalPage(), true);
    Q_UNUSED(resourcesReady);
    setPage(new LoggingPage(this));
    m_channel->registerObject(QStringLiteral("host"), m_host);
    page()->setWebChannel(m_channel);
    setContextMenuPolicy(Qt::NoContextMenu);
    load(QUrl(QStringLiteral("qrc:/terminal/terminal.html")));
}

} // namespace paddock::ui
