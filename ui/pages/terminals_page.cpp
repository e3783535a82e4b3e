#include "terminals_page.h"

#include "terminal/terminal_appearance.h"
#include "terminal/terminal_keys.h"
#include "terminal/terminal_pane.h"
#include "terminal/terminal_view.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {
bool isRunning(const std::optional<SandboxInfo> &sb)
{
    return sb && sb->state == SandboxState::Running;
}
} // namespace

TerminalsPage::TerminalsPage(EngineBridge &engine, QWidget *parent)
    : SandboxPage(parent)
    , m_engine(engine)
    , m_appearance(new TerminalAppearance(palette(), this))
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_stack);
    auto *empty = new QWidget(this);
    auto *emptyColumn = new QVBoxLayout(empty);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    auto *open = new QPushButton(tr("Open a terminal"), empty);
    open->setObjectName(QStringLiteral("openTerminalButton"));
    open->setAccessibleName(tr("Open a terminal"));
    connect(open, &QPushButton::clicked, this, &TerminalsPage::openTerminal);
    emptyColumn->addStretch();
    emptyColumn->addWidget(m_placeholder);
    emptyColumn->addWidget(open, 0, Qt::AlignCenter);
    emptyColumn->addStretch();
    m_stack->addWidget(empty);
    addPageActions();
    connect(&m_engine, &EngineBridge::sandboxRemoved, this, [this](const QString &id) {
        if (QTabWidget *tabs = m_tabs.take(id)) tabs->deleteLater();
    });
    showCurrent();
}

void TerminalsPage::addPageActions()
{
    // The terminal area's own commands, on keys terminals leave to it
    // (terminal_keys.h); they act anywhere in this page and nowhere else.
    auto add = [this](const QString &text, const QKeySequence &key, auto slot) {
        auto *action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
    };
    add(tr("New terminal"), terminalKeys::kNewTerminal, [this] { openTerminal(); });
    add(tr("Close terminal"), terminalKeys::kCloseTerminal, [this] {
        if (TerminalPane *pane = currentPane()) closeTerminal(pane);
    });
    auto step = [this](int by) {
        QTabWidget *tabs = m_shown ? m_tabs.value(m_shown->id) : nullptr;
        if (tabs && tabs->count() > 1)
            tabs->setCurrentIndex((tabs->currentIndex() + by + tabs->count()) % tabs->count());
    };
    add(tr("Next terminal"), terminalKeys::kNextTerminal, [step] { step(1); });
    add(tr("Previous terminal"), terminalKeys::kPreviousTerminal, [step] { step(-1); });
}

QTabWidget *TerminalsPage::tabsFor(const QString &sandboxId)
{
    if (QTabWidget *tabs = m_tabs.value(sandboxId)) return tabs;
    auto *tabs = new QTabWidget(this);
    tabs->setTabsClosable(true);
    tabs->setDocumentMode(true);
    tabs->setAccessibleName(tr("Terminals"));
    auto *add = new QToolButton(tabs);
    add->setText(QStringLiteral("+"));
    add->setAccessibleName(tr("New terminal"));
    add->setToolTip(
        tr("New terminal (%1)").arg(terminalKeys::kNewTerminal.toString(QKeySequence::NativeText)));
    tabs->setCornerWidget(add);
    connect(add, &QToolButton::clicked, this, &TerminalsPage::openTerminal);
    connect(tabs, &QTabWidget::tabCloseRequested, this, [this, tabs](int index) {
        if (auto *pane = qobject_cast<TerminalPane *>(tabs->widget(index))) closeTerminal(pane);
    });
    // A terminal chosen by its tab takes the keyboard, as in any terminal app.
    connect(tabs, &QTabWidget::currentChanged, this, [this] {
        if (isVisible()) focusCurrentLater();
    });
    m_tabs.insert(sandboxId, tabs);
    m_stack->addWidget(tabs);
    return tabs;
}

void TerminalsPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    const bool sameSandbox = m_shown && sandbox && m_shown->id == sandbox->id;
    const bool wasRunning = sameSandbox && isRunning(m_shown);
    QWidget *focus = QApplication::focusWidget();
    const bool focusWasHere = focus && isAncestorOf(focus);
    m_shown = sandbox;
    if (sandbox)
        for (auto *pane : tabsFor(sandbox->id)->findChildren<TerminalPane *>())
            pane->setSandboxRunning(isRunning(sandbox));
    // A shell opens only for a user looking at this tab: when it is shown
    // (showEvent), or when the sandbox shown in it changes or starts.
    if (isVisible() && isRunning(sandbox) && !wasRunning) openFirstTerminal();
    showCurrent();
    // Keyboard focus follows to another sandbox's terminal only from a
    // terminal: someone walking the sandbox list keeps the list.
    if (!sameSandbox && focusWasHere) focusCurrentLater();
}

void TerminalsPage::showCurrent()
{
    QTabWidget *tabs = m_shown ? tabsFor(m_shown->id) : nullptr;
    if (tabs && tabs->count() > 0) return m_stack->setCurrentWidget(tabs);
    m_placeholder->setText(!m_shown ? tr("Select a sandbox to open a terminal in it.")
            : isRunning(m_shown)    ? tr("No terminal is open in '%1'.").arg(m_shown->name)
                                 : tr("Start '%1' to open a terminal in it.").arg(m_shown->name));
    m_stack->widget(0)->findChild<QPushButton *>()->setEnabled(isRunning(m_shown));
    m_stack->setCurrentIndex(0);
}

void TerminalsPage::openFirstTerminal()
{
    if (isRunning(m_shown) && tabsFor(m_shown->id)->count() == 0) openTerminal();
}

TerminalView *TerminalsPage::openTerminal()
{
    if (!isRunning(m_shown)) return nullptr;
    QTabWidget *tabs = tabsFor(m_shown->id);
    const int number = tabs->property("opened").toInt() + 1; // names stay unique after closes
    tabs->setProperty("opened", number);
    auto *pane
        = new TerminalPane(m_engine, *m_appearance, m_shown->id, tr("shell %1").arg(number), tabs);
    connect(pane, &TerminalPane::titleChanged, tabs,
        [tabs, pane] { tabs->setTabText(tabs->indexOf(pane), pane->title()); });
    connect(pane, &TerminalPane::closeRequested, this, [this, pane] { closeTerminal(pane); });
    tabs->setCurrentIndex(tabs->addTab(pane, pane->title()));
    m_stack->setCurrentWidget(tabs);
    pane->view()->focusTerminal();
    return pane->view();
}

void TerminalsPage::closeTerminal(TerminalPane *pane)
{
    delete pane; // its host ends the shell
    showCurrent();
    focusCurrentLater();
}

void TerminalsPage::focusCurrentLater()
{
    // After the tab switch that shows us has settled its own focus moves.
    QMetaObject::invokeMethod(
        this,
        [this] {
            if (TerminalPane *pane = currentPane(); pane && isVisible())
                pane->view()->focusTerminal();
        },
        Qt::QueuedConnection);
}

void TerminalsPage::showEvent(QShowEvent *event)
{
    SandboxPage::showEvent(event);
    openFirstTerminal();
    showCurrent();
    focusCurrentLater();
}

void TerminalsPage::changeEvent(QEvent *event)
{
    SandboxPage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        m_appearance->followPalette(palette());
}

TerminalPane *TerminalsPage::currentPane() const
{
    QTabWidget *tabs = m_shown ? m_tabs.value(m_shown->id) : nullptr;
    return tabs ? qobject_cast<TerminalPane *>(tabs->currentWidget()) : nullptr;
}

TerminalView *TerminalsPage::currentTerminal() const
{
    TerminalPane *pane = currentPane();
    return pane ? pane->view() : nullptr;
}

} // namespace paddock::ui
