#include "main_window.h"
#include "plain_message_box.h"

#include "egress/egress_desktop_notifier.h"
#include "egress/egress_question_bar.h"
#include "egress/egress_question_model.h"
#include "pages/egress_page.h"
#include "pages/files_page.h"
#include "pages/overview_page.h"
#include "pages/processes_page.h"
#include "pages/terminals_page.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace paddock::ui {

MainWindow::MainWindow(EngineBridge &engine, QWidget *parent)
    : QMainWindow(parent), m_engine(engine), m_list(new QTableView(this)), m_tabs(new QTabWidget(this))
{
    setWindowTitle(tr("Paddock"));
    m_list->setModel(&m_model);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->verticalHeader()->hide();
    m_list->horizontalHeader()->setStretchLastSection(true);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_list);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({ 330, 770 });
    m_list->setColumnWidth(SandboxListModel::Name, 150);
    m_list->setColumnWidth(SandboxListModel::State, 80);
    // A held connection's question shows above everything, whatever tab is open.
    m_questions = new EgressQuestionModel(m_engine, this);
    m_questionBar = new EgressQuestionBar(*m_questions, this);
    // A question while the person is elsewhere: the window asks for attention
    // (the taskbar entry flashes) — a held connection waits on them.
    connect(m_questions, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!isActiveWindow())
            QApplication::alert(this);
    });
    // …and the desktop shows a notification that can answer it.
    m_notifier = new EgressDesktopNotifier(*m_questions, [this] { return !isActiveWindow(); }, this);
    auto *central = new QWidget(this);
    auto *column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->addWidget(m_questionBar);
    column->addWidget(splitter, 1);
    setCentralWidget(central);

    addPage(new OverviewPage(m_engine, this));
    addPage(new ProcessesPage(m_engine, this));
    addPage(new TerminalsPage(m_engine, this));
    addPage(new FilesPage(m_engine, this));
    addPage(new EgressPage(m_engine, *m_questions, this));
    buildActions();

    connect(&m_engine, &EngineBridge::sandboxChanged, &m_model, &SandboxListModel::upsert);
    connect(&m_engine, &EngineBridge::sandboxRemoved, &m_model, &SandboxListModel::remove);
    connect(&m_engine, &EngineBridge::sandboxChanged, this, &MainWindow::showSelection);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::showSelection);
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        for (int row = first; row <= last; ++row)
            if (m_model.sandboxAt(row)->id == m_restoreSelection)
                m_list->selectRow(row);
    });

    statusBar()->showMessage(tr("Engine serving %1").arg(m_engine.paths().dataDir()));
    m_engine.call<QList<SandboxInfo>>([](Engine &e) { return e.listSandboxes(); }, [this](Result<QList<SandboxInfo>> all) {
        if (!all)
            return report(tr("list sandboxes"), all.error());
        for (const SandboxInfo &sb : *all)
            m_model.upsert(sb);
    });
    restoreSettings();
}

MainWindow::~MainWindow()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    if (auto sb = selectedSandbox())
        settings.setValue(QStringLiteral("window/selectedSandbox"), sb->id);
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_restoreSelection = settings.value(QStringLiteral("window/selectedSandbox")).toString();
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1100, 700);
}

void MainWindow::buildActions()
{
    QToolBar *bar = addToolBar(tr("Sandboxes"));
    bar->setObjectName(QStringLiteral("sandboxToolbar"));
    auto add = [&](const QString &text, const QKeySequence &shortcut, auto slot) {
        QAction *action = bar->addAction(text, this, slot);
        action->setShortcut(shortcut);
        // Sandbox actions answer their keys only in the sandbox list: a
        // terminal with focus gets Ctrl+R and Ctrl+N, and Delete in the
        // Files tab never reaches for the whole sandbox.
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_list->addAction(action);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(text, shortcut.toString(QKeySequence::NativeText)));
        return action;
    };
    add(tr("New"), QKeySequence::New, [this] {
        bool ok = false;
        QString name = QInputDialog::getText(this, tr("New sandbox"), tr("Name (optional):"), QLineEdit::Normal, {}, &ok);
        if (ok)
            createSandbox(name.trimmed());
    });
    add(tr("Start"), QKeySequence(Qt::CTRL | Qt::Key_R), &MainWindow::startSelected);
    add(tr("Stop"), QKeySequence(Qt::CTRL | Qt::Key_Period), &MainWindow::stopSelected);
    add(tr("Rename"), QKeySequence(Qt::Key_F2), [this] {
        auto sb = selectedSandbox();
        bool ok = false;
        QString name = sb ? QInputDialog::getText(this, tr("Rename sandbox"), tr("New name:"), QLineEdit::Normal, sb->name, &ok) : QString();
        if (ok)
            renameSelected(name.trimmed());
    });
    add(tr("Delete"), QKeySequence::Delete, &MainWindow::removeSelected);
}

void MainWindow::addPage(SandboxPage *page)
{
    m_pages.append(page);
    m_tabs->addTab(page, page->title());
}

std::optional<SandboxInfo> MainWindow::selectedSandbox() const
{
    const SandboxInfo *sb = m_model.sandboxAt(m_list->currentIndex().row());
    return sb ? std::optional<SandboxInfo>(*sb) : std::nullopt;
}

void MainWindow::showSelection()
{
    auto sb = selectedSandbox();
    for (SandboxPage *page : std::as_const(m_pages))
        page->showSandbox(sb);
}

void MainWindow::report(const QString &what, const Error &error)
{
    statusBar()->showMessage(tr("Could not %1").arg(what));
    warnPlain(this, tr("Paddock"), tr("Could not %1: %2").arg(what, error.message));
}

void MainWindow::createSandbox(const QString &name)
{
    statusBar()->showMessage(tr("Creating sandbox %1…").arg(name));
    m_engine.call<SandboxInfo>([name](Engine &e) { return e.createSandbox({ name }); }, [this](Result<SandboxInfo> sb) {
        if (!sb)
            return report(tr("create a sandbox"), sb.error());
        statusBar()->showMessage(tr("Sandbox %1 is running").arg(sb->name), 5000);
        m_list->selectRow(m_model.rowOf(sb->id));
    });
}

void MainWindow::startSelected()
{
    auto sb = selectedSandbox();
    if (!sb)
        return;
    statusBar()->showMessage(tr("Starting %1…").arg(sb->name));
    m_engine.call<SandboxInfo>([id = sb->id](Engine &e) { return e.startSandbox(id); }, [this](Result<SandboxInfo> r) {
        if (!r)
            return report(tr("start the sandbox"), r.error());
        statusBar()->showMessage(tr("Sandbox %1 is running").arg(r->name), 5000);
    });
}

void MainWindow::stopSelected()
{
    auto sb = selectedSandbox();
    if (!sb)
        return;
    statusBar()->showMessage(tr("Stopping %1…").arg(sb->name));
    m_engine.callAsync<SandboxInfo>([id = sb->id](Engine &e, Callback<SandboxInfo> done) { e.stopSandbox(id, done); },
                                    [this](Result<SandboxInfo> r) {
                                        if (!r)
                                            return report(tr("stop the sandbox"), r.error());
                                        statusBar()->showMessage(tr("Sandbox %1 stopped").arg(r->name), 5000);
                                    });
}

void MainWindow::removeSelected()
{
    auto sb = selectedSandbox();
    if (!sb)
        return;
    if (!askPlain(this, tr("Delete sandbox"),
                  tr("Delete sandbox '%1' and all its files? Running processes are killed.").arg(sb->name)))
        return;
    m_engine.callAsync<void>([id = sb->id](Engine &e, Callback<void> done) { e.removeSandbox(id, true, done); },
                             [this, name = sb->name](Result<void> r) {
                                 if (!r)
                                     return report(tr("delete the sandbox"), r.error());
                                 statusBar()->showMessage(tr("Sandbox %1 deleted").arg(name), 5000);
                             });
}

void MainWindow::renameSelected(const QString &newName)
{
    auto sb = selectedSandbox();
    if (!sb)
        return;
    m_engine.call<SandboxInfo>([id = sb->id, newName](Engine &e) { return e.renameSandbox(id, newName); },
                               [this](Result<SandboxInfo> r) {
                                   if (!r)
                                       report(tr("rename the sandbox"), r.error());
                               });
}

} // namespace paddock::ui
