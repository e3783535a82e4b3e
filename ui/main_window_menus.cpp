// MainWindow's menu bar, toolbar and the sandbox list's context menu. The
// sandbox actions are shared (SandboxActions) and scoped to the list; the
// window-wide keys here (Quit, the tabs) are held back from a focused terminal.
#include "main_window.h"

#include "theme/appearance.h"
#include "theme/icons.h"
#include "window/close_policy.h"
#include "window/help_dialogs.h"
#include "window/sandbox_actions.h"
#include "pages/processes_page.h"

#include <QActionGroup>
#include <QInputDialog>
#include <QMenuBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>

namespace paddock::ui {

void MainWindow::buildToolbar()
{
    QToolBar *bar = addToolBar(tr("Sandboxes"));
    bar->setObjectName(QStringLiteral("sandboxToolbar"));
    bar->setAccessibleName(tr("Sandbox toolbar"));
    bar->setMovable(false);
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    SandboxActions &a = *m_actions;
    bar->addAction(a.newSandbox);
    bar->addSeparator();
    for (QAction *action : { a.start, a.stop, a.restart })
        bar->addAction(action);
    bar->addSeparator();
    bar->addAction(a.openTerminal);
    bar->addSeparator();
    bar->addAction(a.remove);
    bar->toggleViewAction()->setText(tr("Show toolbar"));

    connect(a.newSandbox, &QAction::triggered, this, [this] {
        bool ok = false;
        QString name = QInputDialog::getText(
            this, tr("New sandbox"), tr("Name (optional):"), QLineEdit::Normal, {}, &ok);
        if (ok) createSandbox(name.trimmed());
    });
    connect(a.start, &QAction::triggered, this, &MainWindow::startSelected);
    connect(a.stop, &QAction::triggered, this, &MainWindow::stopSelected);
    connect(a.restart, &QAction::triggered, this, &MainWindow::restartSelected);
    connect(a.rename, &QAction::triggered, this, [this] {
        auto sb = selectedSandbox();
        bool ok = false;
        QString name = sb ? QInputDialog::getText(this, tr("Rename sandbox"), tr("New name:"),
                           QLineEdit::Normal, sb->name, &ok)
                          : QString();
        if (ok) renameSelected(name.trimmed());
    });
    connect(a.remove, &QAction::triggered, this, &MainWindow::removeSelected);
    connect(a.openTerminal, &QAction::triggered, this, &MainWindow::openTerminalForSelected);
    connect(a.copyId, &QAction::triggered, this, &MainWindow::copySelectedId);
    connect(a.runCommand, &QAction::triggered, this, [this] {
        auto *processes = findChild<ProcessesPage *>();
        m_tabs->setCurrentWidget(processes);
        processes->runCommand();
    });
}

namespace {

QMenu *closeChoiceMenu(QWidget *parent)
{
    auto *menu = new QMenu(QObject::tr("When closing with sandboxes running"), parent);
    auto *group = new QActionGroup(menu);
    const std::pair<CloseAction, QString> choices[] = {
        { CloseAction::Ask, QObject::tr("Ask each time") },
        { CloseAction::KeepRunning, QObject::tr("Keep them running") },
        { CloseAction::StopAll, QObject::tr("Stop them") },
    };
    for (const auto &[choice, text] : choices) {
        QAction *action = menu->addAction(text);
        action->setCheckable(true);
        action->setActionGroup(group);
        QObject::connect(action, &QAction::triggered, menu, [choice] { saveCloseAction(choice); });
    }
    // The dialog's "Don't ask again" changes the setting too: read it on show.
    QObject::connect(menu, &QMenu::aboutToShow, menu,
        [group] { group->actions().at(int(savedCloseAction()))->setChecked(true); });
    return menu;
}

QMenu *appearanceMenu(QWidget *parent)
{
    auto *menu = new QMenu(QObject::tr("Appearance"), parent);
    auto *group = new QActionGroup(menu);
    const std::pair<Appearance, QString> choices[] = {
        { Appearance::System, QObject::tr("System") },
        { Appearance::Light, QObject::tr("Light") },
        { Appearance::Dark, QObject::tr("Dark") },
    };
    for (const auto &[choice, text] : choices) {
        QAction *action = menu->addAction(text);
        action->setObjectName(QStringLiteral("appearance") + text);
        action->setCheckable(true);
        action->setActionGroup(group);
        action->setChecked(savedAppearance() == choice);
        QObject::connect(action, &QAction::triggered, menu, [choice] { setAppearance(choice); });
    }
    return menu;
}

} // namespace

void MainWindow::buildMenus()
{
    SandboxActions &a = *m_actions;
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(a.newSandbox);
    file->addSeparator();
    file->addMenu(closeChoiceMenu(file));
    file->addSeparator();
    QAction *quit = file->addAction(themedIcon(QStringLiteral("application-exit"), QString()),
        tr("Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(
        QKeySequence(Qt::CTRL | Qt::Key_Q)); // QKeySequence::Quit is empty on some platforms

    QMenu *sandbox = menuBar()->addMenu(tr("&Sandbox"));
    for (QAction *action : { a.start, a.stop, a.restart })
        sandbox->addAction(action);
    sandbox->addSeparator();
    sandbox->addAction(a.openTerminal);
    sandbox->addAction(a.runCommand);
    sandbox->addSeparator();
    sandbox->addAction(a.rename);
    sandbox->addAction(a.copyId);
    sandbox->addSeparator();
    sandbox->addAction(a.remove);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count() && i < 9; ++i) {
        QAction *tab
            = view->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        tab->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        tab->setObjectName(QStringLiteral("showTab%1").arg(i + 1));
        addAction(tab); // window-wide, but never from a focused terminal
    }
    view->addSeparator();
    view->addMenu(appearanceMenu(view));
    view->addAction(findChild<QToolBar *>(QStringLiteral("sandboxToolbar"))->toggleViewAction());

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("Command-line usage"), this, [this] { showCommandLineUsage(this); });
    help->addAction(appIcon(), tr("About Paddock"), this, [this] { showAbout(this); });
}

QMenu *MainWindow::sandboxContextMenu()
{
    auto *menu
        = findChild<QMenu *>(QStringLiteral("sandboxContextMenu"), Qt::FindDirectChildrenOnly);
    if (menu) return menu;
    menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("sandboxContextMenu"));
    SandboxActions &a = *m_actions;
    for (QAction *action : { a.start, a.stop, a.restart })
        menu->addAction(action);
    menu->addSeparator();
    menu->addAction(a.openTerminal);
    menu->addAction(a.runCommand);
    menu->addSeparator();
    menu->addAction(a.rename);
    menu->addAction(a.copyId);
    menu->addSeparator();
    menu->addAction(a.remove);
    return menu;
}

} // namespace paddock::ui
