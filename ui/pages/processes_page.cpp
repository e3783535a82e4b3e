#include "processes_page.h"
#include "plain_message_box.h"

#include "paddock/log_stream.h"

#include <QHeaderView>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {
constexpr int kMaxLogBlocks = 10000; // the view keeps the tail; the file keeps everything
}

ProcessesPage::ProcessesPage(EngineBridge &engine, QWidget *parent)
    : SandboxPage(parent), m_engine(engine), m_table(new QTableView(this)), m_log(new QPlainTextEdit(this)),
      m_kill(new QPushButton(tr("Kill"), this))
{
    m_table->setModel(&m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogBlocks);
    m_log->setFont(QFont(QStringLiteral("monospace")));
    m_kill->setEnabled(false);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_log);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);
    layout->addWidget(m_kill, 0, Qt::AlignRight);

    connect(&m_engine, &EngineBridge::processChanged, &m_model, &ProcessListModel::upsert);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        const ProcessInfo *p = m_model.processAt(current.row());
        m_kill->setEnabled(p && p->state == ProcessState::Running);
        if (p)
            followLog(*p);
    });
    connect(&m_model, &QAbstractItemModel::dataChanged, this, [this] {
        const ProcessInfo *p = m_model.processAt(m_table->currentIndex().row());
        m_kill->setEnabled(p && p->state == ProcessState::Running);
    });
    connect(m_kill, &QPushButton::clicked, this, &ProcessesPage::killSelected);
}

ProcessesPage::~ProcessesPage() { stopFollowing(); }

void ProcessesPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    const QString id = sandbox ? sandbox->id : QString();
    if (id == m_shownSandbox)
        return;
    m_shownSandbox = id;
    stopFollowing();
    m_log->clear();
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

void ProcessesPage::followLog(const ProcessInfo &process)
{
    stopFollowing();
    m_log->clear();
    const int generation = ++m_generation;
    QPointer<ProcessesPage> self(this);
    // The guard is made on the engine thread, where the stream lives and dies.
    m_engine.call<QPointer<LogStream>>(
        [process, self](Engine &e) -> Result<QPointer<LogStream>> {
            auto stream = e.logs(process.sandboxId, process.id, true);
            if (!stream)
                return tl::unexpected(stream.error());
            if (self) { // connected on the engine thread; delivered queued to the page
                QObject::connect(*stream, &LogStream::data, self.data(), [self](const QByteArray &bytes) {
                    if (!self)
                        return;
                    self->m_log->moveCursor(QTextCursor::End);
                    self->m_log->insertPlainText(QString::fromUtf8(bytes));
                });
                QObject::connect(*stream, &LogStream::dropped, self.data(), [self](qint64 bytes) {
                    if (!self)
                        return;
                    self->m_log->moveCursor(QTextCursor::End);
                    self->m_log->insertPlainText(QString::fromUtf8(droppedNotice(bytes)));
                });
            }
            return QPointer<LogStream>(*stream);
        },
        [this, generation](Result<QPointer<LogStream>> stream) {
            if (!stream || !*stream)
                return;
            if (generation != m_generation)
                return m_engine.post([s = *stream] {
                    if (s)
                        s->deleteLater();
                });
            m_following = *stream;
        });
}

void ProcessesPage::stopFollowing()
{
    m_engine.post([s = m_following] { // on its own thread, if it still exists
        if (s)
            s->deleteLater();
    });
    m_following.clear();
}

void ProcessesPage::killSelected()
{
    const ProcessInfo *p = m_model.processAt(m_table->currentIndex().row());
    if (!p)
        return;
    const QString sandboxId = p->sandboxId, procId = p->id;
    m_engine.callAsync<void>([sandboxId, procId](Engine &e, Callback<void> done) { e.kill(sandboxId, procId, 15, done); },
                             [this](Result<void> r) {
                                 if (!r)
                                     warnPlain(this, tr("Kill failed"), r.error().message);
                             });
}

} // namespace paddock::ui
