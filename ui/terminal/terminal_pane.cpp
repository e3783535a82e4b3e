#include "terminal_pane.h"

#include "terminal_keys.h"
#include "terminal_view.h"

#include <QKeyEvent>

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace paddock::ui {

TerminalPane::TerminalPane(EngineBridge &engine, TerminalAppearance &appearance,
    const QString &sandboxId, QString title, QWidget *parent)
    : QWidget(parent)
    , m_view(new TerminalView(
          engine, appearance, sandboxId, { QStringLiteral("bash"), QStringLiteral("-l") }, this))
    , m_bar(new QWidget(this))
    , m_message(new QLabel(m_bar))
    , m_reconnect(new QPushButton(tr("&Reconnect"), m_bar))
    , m_title(std::move(title))
{
    m_bar->setObjectName(QStringLiteral("terminalEndedBar"));
    m_bar->setAutoFillBackground(true);
    m_bar->setBackgroundRole(QPalette::AlternateBase);
    m_message->setTextFormat(Qt::PlainText); // the reason may quote the sandbox
    m_message->setWordWrap(true);
    m_message->setSizePolicy(
        QSizePolicy::Ignored, QSizePolicy::Preferred); // never widens the window
    m_reconnect->setObjectName(QStringLiteral("reconnectButton"));
    m_reconnect->setAccessibleName(tr("Reconnect terminal"));
    auto *close = new QPushButton(tr("&Close"), m_bar);
    close->setObjectName(QStringLiteral("closeTerminalButton"));
    close->setAccessibleName(tr("Close terminal"));
    auto *row = new QHBoxLayout(m_bar);
    row->setContentsMargins(8, 4, 8, 4);
    row->addWidget(m_message, 1);
    row->addWidget(m_reconnect);
    row->addWidget(close);
    m_bar->hide();

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_bar);
    column->addWidget(m_view, 1);
    setFocusProxy(m_view);

    connect(&m_view->host(), &TerminalHost::ended, this, &TerminalPane::showEnded);
    connect(&m_view->host(), &TerminalHost::started, this, [this] {
        m_bar->hide();
        Q_EMIT titleChanged();
    });
    connect(m_reconnect, &QPushButton::clicked, this, [this] {
        m_view->host().reconnect();
        m_view->focusTerminal();
    });
    connect(close, &QPushButton::clicked, this, &TerminalPane::closeRequested);
}

QString TerminalPane::title() const
{
    return m_view->host().hasEnded() ? tr("%1 (ended)").arg(m_title) : m_title;
}

bool TerminalPane::event(QEvent *event)
{
    // A key the page left unused (xterm sends nothing for Ctrl+.) comes
    // back to the view's parent, here, and Qt tries the window's shortcuts
    // for it once more: it is still the terminal's key.
    if (event->type() == QEvent::ShortcutOverride && m_view->hasFocus()
        && terminalKeys::terminalWantsKey(*static_cast<QKeyEvent *>(event))) {
        event->accept();
        return true;
    }
    return QWidget::event(event);
}

void TerminalPane::setSandboxRunning(bool running)
{
    m_sandboxRunning = running;
    if (m_view->host().hasEnded()) showEnded();
}

void TerminalPane::showEnded()
{
    const QString ended = tr("Session ended (%1).").arg(m_view->host().endReason());
    m_message->setText(m_sandboxRunning ? tr("%1 Reconnect to open a new shell here.").arg(ended)
                                        : tr("%1 Start the sandbox to reconnect.").arg(ended));
    m_reconnect->setEnabled(m_sandboxRunning);
    m_bar->show();
    Q_EMIT titleChanged();
}

} // namespace paddock::ui
