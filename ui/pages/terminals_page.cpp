#include "terminals_page.h"

#include "terminal/terminal_view.h"

#include <QLabel>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace paddock::ui {

TerminalsPage::TerminalsPage(EngineBridge &engine, QWidget *parent)
    : SandboxPage(parent), m_engine(engine), m_stack(new QStackedWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    m_stack->addWidget(new QLabel(tr("Select a running sandbox to open a terminal."), this));
    connect(&m_engine, &EngineBridge::sandboxRemoved, this, [this](const QString &id) {
        if (QTabWidget *tabs = m_tabs.take(id))
            tabs->deleteLater();
    });
}

QTabWidget *TerminalsPage::tabsFor(const QString &sandboxId)
{
    if (QTabWidget *tabs = m_tabs.value(sandboxId))
        return tabs;
    auto *tabs = new QTabWidget(this);
    tabs->setTabsClosable(true);
    tabs->setDocumentMode(true);
    auto *add = new QToolButton(tabs);
    add->setText(QStringLiteral("+"));
    add->setToolTip(tr("New terminal (Ctrl+Shift+T)"));
    add->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    tabs->setCornerWidget(add);
    connect(add, &QToolButton::clicked, this, &TerminalsPage::openTerminal);
    connect(tabs, &QTabWidget::tabCloseRequested, tabs, [tabs](int index) { delete tabs->widget(index); });
    m_tabs.insert(sandboxId, tabs);
    m_stack->addWidget(tabs);
    return tabs;
}

void TerminalsPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    bool sameSandbox = m_shown && sandbox && m_shown->id == sandbox->id;
    m_shown = sandbox;
    if (!sandbox) {
        m_stack->setCurrentIndex(0);
        return;
    }
    QTabWidget *tabs = tabsFor(sandbox->id);
    m_stack->setCurrentWidget(tabs);
    // The first visit to a running sandbox opens a shell; later ones find theirs.
    if (!sameSandbox && tabs->count() == 0 && sandbox->state == SandboxState::Running)
        openTerminal();
}

TerminalView *TerminalsPage::openTerminal()
{
    if (!m_shown || m_shown->state != SandboxState::Running)
        return nullptr;
    QTabWidget *tabs = tabsFor(m_shown->id);
    auto *view = new TerminalView(m_engine, m_shown->id, { QStringLiteral("bash"), QStringLiteral("-l") }, tabs);
    int index = tabs->addTab(view, tr("shell %1").arg(tabs->count() + 1));
    tabs->setCurrentIndex(index);
    view->setFocus();
    return view;
}

TerminalView *TerminalsPage::currentTerminal() const
{
    QTabWidget *tabs = m_shown ? m_tabs.value(m_shown->id) : nullptr;
    return tabs ? qobject_cast<TerminalView *>(tabs->currentWidget()) : nullptr;
}

} // namespace paddock::ui
