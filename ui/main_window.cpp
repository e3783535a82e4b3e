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
#include "theme/icons.h"
#include "window/empty_state.h"
#include "window/sandbox_actions.h"
#include "window/sandbox_filter_proxy.h"
#include "window/state_dot_delegate.h"
#include "window/stopped_placeholder.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace paddock::ui {

MainWindow::MainWindow(EngineBridge &engine, QWidget *parent)
    : QMainWindow(parent),
      m_engine(engine),
      m_proxy(new SandboxFilterProxy(this)),
      m_list(new QTableView(this)),
      m_right(new QStackedWidget(this)),
      m_tabs(new QTabWidget(this)),
      m_emptyState(new EmptyState(this))
{
    setWindowTitle(tr("Paddock"));
    setWindowIcon(appIcon());
    setMinimumSize(640, 400);
    m_actions = new SandboxActions(m_list);
    QWidget *list = buildSandboxList();
    m_tabs->setAccessibleName(tr("Sandbox tabs"));
    m_tabs->setDocumentMode(true);
    m_right->addWidget(m_tabs);
    m_right->addWidget(m_emptyState);

    auto *splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(list);
    splitter->addWidget(m_right);
    // The window's width goes to the tabs: the list keeps its width (names stay readable at 800 px).
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(1, false);
    splitter->setSizes({ 300, 800 });
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

    addPage(new OverviewPage(m_engine, this), Needs::Anything);
    addPage(new ProcessesPage(m_engine, this), Needs::RunningSandbox);
    addPage(new TerminalsPage(m_engine, this), Needs::RunningSandbox);
    addPage(new FilesPage(m_engine, this), Needs::RunningSandbox);
    addPage(new EgressPage(m_engine, *m_questions, this), Needs::Anything);
    buildToolbar();
    buildMenus();

    connect(&m_engine, &EngineBridge::sandboxChanged, &m_model, &SandboxListModel::upsert);
    connect(&m_engine, &EngineBridge::sandboxRemoved, &m_model, &SandboxListModel::remove);
    connect(&m_engine, &EngineBridge::sandboxChanged, this, &MainWindow::showSelection);
    // Pages follow the selection, never the current index: with no row
    // selected, nothing is shown and nothing is acted on.
    connect(m_list->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::showSelection);
    connect(&m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::showSelection);
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
        for (int row = first; row <= last; ++row)
            if (m_model.sandboxAt(row)->id == m_restoreSelection)
                selectSandbox(m_restoreSelection);
    });
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateEmptyState);
    connect(&m_model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateEmptyState);
    connect(m_emptyState, &EmptyState::createRequested, this, &MainWindow::createFirstSandbox);

    statusBar()->showMessage(tr("Engine serving %1").arg(m_engine.paths().dataDir()));
    m_engine.call<QList<SandboxInfo>>([](Engine &e) { return e.listSandboxes(); }, [this](Result<QList<SandboxInfo>> all) {
        m_listed = true;
        if (!all)
            return report(tr("list sandboxes"), all.error());
        for (const SandboxInfo &sb : *all)
            m_model.upsert(sb);
        updateEmptyState();
    });
    restoreSettings();
    showSelection();
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

QWidget *MainWindow::buildSandboxList()
{
    m_proxy->setSourceModel(&m_model);
    m_list->setModel(m_proxy);
    m_list->setObjectName(QStringLiteral("sandboxList"));
    m_list->setAccessibleName(tr("Sandboxes"));
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    // Tab leaves the list (to the tabs), as everywhere else; arrows move the selection.
    m_list->setTabKeyNavigation(false);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(-1, Qt::AscendingOrder); // creation order until a header is clicked
    m_list->setItemDelegateForColumn(SandboxListModel::State, new StateDotDelegate(m_list));
    m_list->verticalHeader()->hide();
    // The name takes what is left; state and uptime have short, known widths
    // (no ResizeToContents: the uptime ticks every second).
    m_list->horizontalHeader()->setStretchLastSection(false);
    m_list->horizontalHeader()->setSectionResizeMode(SandboxListModel::Name, QHeaderView::Stretch);
    m_list->setColumnWidth(SandboxListModel::State, 96);
    m_list->setColumnWidth(SandboxListModel::Uptime, 60);
    m_list->setWordWrap(false);
    m_list->setShowGrid(false);
    m_list->setAlternatingRowColors(true);
    m_list->setMinimumWidth(260); // names, a state and an uptime stay readable
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_list, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QModelIndex at = m_list->indexAt(pos);
        if (!at.isValid())
            return;
        m_list->selectRow(at.row());
        sandboxContextMenu()->popup(m_list->viewport()->mapToGlobal(pos));
    });

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("sandboxSearch"));
    m_search->setPlaceholderText(tr("Filter by name, ID or state"));
    m_search->setAccessibleName(tr("Filter sandboxes"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(themedIcon(QStringLiteral("edit-find"), QStringLiteral("search")), QLineEdit::LeadingPosition);
    connect(m_search, &QLineEdit::textChanged, m_proxy, &SandboxFilterProxy::setSearchText);

    auto *panel = new QWidget(this);
    auto *column = new QVBoxLayout(panel);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(m_search);
    column->addWidget(m_list, 1);
    return panel;
}

void MainWindow::addPage(SandboxPage *page, Needs needs)
{
    m_pages.append(page);
    m_tabs->addTab(page, page->title());
    if (needs != Needs::RunningSandbox)
        return;
    auto *placeholder = new StoppedPlaceholder(page);
    connect(placeholder, &StoppedPlaceholder::startRequested, this, &MainWindow::startSelected);
    m_placeholders.insert(page, placeholder);
}

StoppedPlaceholder *MainWindow::placeholderFor(SandboxPage *page) const { return m_placeholders.value(page); }

std::optional<SandboxInfo> MainWindow::selectedSandbox() const
{
    const QModelIndexList rows = m_list->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return std::nullopt;
    const SandboxInfo *sb = m_model.sandboxAt(m_proxy->mapToSource(rows.first()).row());
    return sb ? std::optional<SandboxInfo>(*sb) : std::nullopt;
}

bool MainWindow::selectSandbox(const QString &id)
{
    const int sourceRow = m_model.rowOf(id);
    if (sourceRow < 0)
        return false;
    QModelIndex at = m_proxy->mapFromSource(m_model.index(sourceRow, 0));
    if (!at.isValid()) { // hidden by the filter: show everything rather than nothing
        m_search->clear();
        at = m_proxy->mapFromSource(m_model.index(sourceRow, 0));
    }
    m_list->selectRow(at.row());
    m_list->scrollTo(at);
    return true;
}

void MainWindow::showSelection()
{
    auto sb = selectedSandbox();
    // Moving away from a sandbox whose pages hold unsaved work asks first;
    // "Cancel" puts the selection back.
    const QString id = sb ? sb->id : QString();
    if (id != m_shownId && m_model.rowOf(m_shownId) >= 0 && !confirmLeavePages())
    {
        selectSandbox(m_shownId);
        return;
    }
    m_shownId = id;
    for (SandboxPage *page : std::as_const(m_pages))
        page->showSandbox(sb);
    updateSelectionState();
}

void MainWindow::updateSelectionState()
{
    auto sb = selectedSandbox();
    std::optional<SandboxStatus> status;
    if (sb)
        status = m_model.statusOf(sb->id);
    m_actions->updateFor(status);
    // A stopped sandbox's Processes, Terminal and Files say so, with a Start
    // button; while it is starting they say that instead.
    const bool covered = sb && sb->state != SandboxState::Running;
    const QString stateText = status && isTransition(*status) ? sandboxStatusText(*status) : sandboxStatusText(SandboxStatus::Stopped);
    for (StoppedPlaceholder *placeholder : std::as_const(m_placeholders))
        placeholder->showFor(covered ? sb->name : QString(), stateText, m_actions->start->isEnabled());
}

void MainWindow::updateEmptyState()
{
    const bool none = m_listed && m_model.rowCount() == 0;
    m_right->setCurrentWidget(none ? static_cast<QWidget *>(m_emptyState) : m_tabs);
}

void MainWindow::markActivity(const QString &id, SandboxActivity activity, const Error *error)
{
    m_model.setActivity(id, activity, error ? error->message : QString());
    updateSelectionState();
}

bool MainWindow::confirmLeavePages()
{
    for (SandboxPage *page : std::as_const(m_pages))
        if (!page->confirmLeave())
            return false;
    return true;
}


void MainWindow::report(const QString &what, const Error &error)
{
    statusBar()->showMessage(tr("Could not %1").arg(what));
    warnPlain(this, tr("Paddock"), tr("Could not %1: %2").arg(what, error.message));
}

} // namespace paddock::ui
