#include "processes_page.h"
#include "plain_message_box.h"

#include "processes/log_view.h"
#include "processes/process_actions.h"
#include "processes/process_filter_model.h"
#include "processes/run_command_dialog.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace paddock::ui {

ProcessesPage::ProcessesPage(EngineBridge &engine, QWidget *parent)
    : SandboxPage(parent), m_engine(engine), m_shown(new ProcessFilterModel(this)), m_table(new QTableView(this)),
      m_log(new LogView(engine, this)), m_kill(new QPushButton(tr("Kill"), this)),
      m_runCommand(new QPushButton(tr("Run command…"), this)), m_filter(new QLineEdit(this)),
      m_actions(new ProcessActions(engine, this))
{
    m_shown->setSourceModel(&m_model);
    m_table->setModel(m_shown);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ProcessListModel::Id, Qt::AscendingOrder);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setAccessibleName(tr("Background processes"));
    m_kill->setAccessibleName(tr("Kill the selected process"));
    m_kill->setToolTip(m_actions->kill()->toolTip());
    m_kill->setEnabled(false);
    m_runCommand->setAccessibleName(tr("Run a command in the background"));
    m_runCommand->setEnabled(false);
    m_filter->setPlaceholderText(tr("Filter by command, ID or state"));
    m_filter->setAccessibleName(tr("Filter processes"));
    m_filter->setClearButtonEnabled(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_runCommand);
    bar->addWidget(m_kill);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_log);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(&m_engine, &EngineBridge::processChanged, &m_model, &ProcessListModel::upsert);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this, &ProcessesPage::selectionMoved);
    connect(&m_model, &QAbstractItemModel::dataChanged, this, &ProcessesPage::selectionMoved);
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_toSelect.isEmpty())
            selectProcess(m_toSelect);
    });
    connect(m_filter, &QLineEdit::textChanged, m_shown, &ProcessFilterModel::setFilterText);
    connect(m_kill, &QPushButton::clicked, m_actions->kill(), &QAction::trigger);
    connect(m_actions->kill(), &QAction::changed, this, [this] { m_kill->setEnabled(m_actions->kill()->isEnabled()); });
    connect(m_runCommand, &QPushButton::clicked, this, &ProcessesPage::runCommand);
    connect(m_actions, &ProcessActions::restarted, this, [this](const ProcessInfo &fresh) {
        m_model.upsert(fresh);
        selectProcess(fresh.id);
    });
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex at = m_table->indexAt(pos);
        if (!at.isValid())
            return;
        m_table->setCurrentIndex(at);
        m_actions->menu()->popup(m_table->viewport()->mapToGlobal(pos));
    });
}

ProcessesPage::~ProcessesPage() = default;

QPlainTextEdit *ProcessesPage::logView() const { return m_log->textView(); }

std::optional<ProcessInfo> ProcessesPage::currentProcess() const
{
    const QModelIndex source = m_shown->mapToSource(m_table->currentIndex());
    const ProcessInfo *p = m_model.processAt(source.isValid() ? source.row() : -1);
    return p ? std::optional<ProcessInfo>(*p) : std::nullopt;
}

void ProcessesPage::selectProcess(const QString &procId)
{
    for (int row = 0; row < m_model.rowCount(); ++row) {
        if (m_model.processAt(row)->id != procId)
            continue;
        const QModelIndex shown = m_shown->mapFromSource(m_model.index(row, 0));
        if (!shown.isValid()) // filtered out: show it anyway, it was asked for
            m_filter->clear();
        m_table->setCurrentIndex(m_shown->mapFromSource(m_model.index(row, 0)));
        m_table->scrollTo(m_table->currentIndex());
        m_toSelect.clear();
        return;
    }
    m_toSelect = procId; // its row is not in yet
}

// The selection moved, or the selected process changed: actions follow
// its state; the log is reopened only for another process.
void ProcessesPage::selectionMoved()
{
    const std::optional<ProcessInfo> p = currentProcess();
    m_actions->setProcess(p);
    const QString id = p ? p->id : QString();
    if (id == m_followed)
        return;
    m_followed = id;
    if (p)
        m_log->follow(*p);
    else
        m_log->clear();
}

void ProcessesPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    m_sandbox = sandbox;
    updateRunCommand();
    const QString id = sandbox ? sandbox->id : QString();
    if (id == m_shownSandbox)
        return;
    m_shownSandbox = id;
    m_followed.clear();
    m_toSelect.clear();
    m_log->clear();
    m_actions->setProcess(std::nullopt);
    const int generation = ++m_generation;
    m_model.showSandbox(id, {});
    if (id.isEmpty())
        return;
    m_engine.call<QList<ProcessInfo>>([id](Engine &e) { return e.processes(id); },
                                      [this, id, generation](Result<QList<ProcessInfo>> all) {
                                          if (generation == m_generation && all)
                                              m_model.showSandbox(id, *all);
                                      });
}

void ProcessesPage::updateRunCommand()
{
    const bool running = m_sandbox && m_sandbox->state == SandboxState::Running;
    m_runCommand->setEnabled(running);
    m_runCommand->setToolTip(running ? tr("Start a background process in this sandbox")
                                     : tr("Start the sandbox to run commands in it"));
}

void ProcessesPage::runCommand()
{
    if (!m_sandbox || m_sandbox->state != SandboxState::Running)
        return;
    auto *dialog = new RunCommandDialog(m_sandbox->name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { spawn(dialog->argv(), dialog->directory()); });
    dialog->open();
}

void ProcessesPage::spawn(const QStringList &argv, const QString &directory)
{
    if (!m_sandbox)
        return;
    CommandSpec cmd;
    cmd.argv = argv;
    cmd.cwd = directory;
    const QString sandboxId = m_sandbox->id;
    m_engine.callAsync<ProcessInfo>(
        [sandboxId, cmd](Engine &e, Callback<ProcessInfo> done) { e.spawn(sandboxId, cmd, {}, std::move(done)); },
        [self = QPointer<ProcessesPage>(this)](Result<ProcessInfo> started) {
            if (!self)
                return;
            if (!started)
                return warnPlain(self, tr("Run command failed"), started.error().message);
            self->m_model.upsert(*started);
            self->selectProcess(started->id);
        });
}

} // namespace paddock::ui
