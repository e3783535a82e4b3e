#include "files_page.h"
#include "plain_message_box.h"

#include "paddock/display_text.h"

#include <QAction>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

// Kernel views and the host's /usr are not a workload's files: watching
// them costs watches and shows nothing of interest.
QStringList defaultExcludes(const QString &root)
{
    if (root != QLatin1String("/"))
        return {};
    return { QStringLiteral("proc/**"), QStringLiteral("sys/**"), QStringLiteral("dev/**"), QStringLiteral("usr/**") };
}

} // namespace

FilesPage::FilesPage(EngineBridge &engine, QWidget *parent)
    : SandboxPage(parent), m_engine(engine), m_transfers(engine), m_rootEdit(new QLineEdit(QStringLiteral("/root"), this)),
      m_tree(new FileTreeView(this)), m_viewer(new QStackedWidget(this)), m_editor(new QPlainTextEdit(this)),
      m_image(new QLabel(this)), m_notice(new QLabel(this)), m_save(new QPushButton(tr("Save"), this)),
      m_conflictBar(new QFrame(this)), m_conflictText(new QLabel(m_conflictBar)),
      m_transferText(new QLabel(this)), m_transferBar(new QProgressBar(this))
{
    m_tree->setModel(&m_model);
    setUpTreeColumns();
    m_editor->setFont(QFont(QStringLiteral("monospace")));
    m_image->setAlignment(Qt::AlignCenter);
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText); // paths in it are the sandbox's: never markup
    m_notice->hide();
    m_save->setEnabled(false);
    m_save->setToolTip(tr("Save the file to the sandbox (%1)").arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText)));
    m_viewer->addWidget(m_editor);
    m_viewer->addWidget(m_image);
    buildConflictBar();
    m_rootEdit->setAccessibleName(tr("Folder shown"));
    m_rootEdit->setToolTip(tr("The sandbox folder the tree shows; press Enter to change it"));
    m_tree->setAccessibleName(tr("Files in the sandbox"));
    m_editor->setAccessibleName(tr("File content"));
    m_image->setAccessibleName(tr("Image preview"));
    m_notice->setAccessibleName(tr("File notice"));
    m_save->setAccessibleName(tr("Save file"));

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_conflictBar);
    rightLayout->addWidget(m_notice);
    rightLayout->addWidget(m_viewer, 1);
    rightLayout->addWidget(m_save, 0, Qt::AlignRight);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_rootEdit);
    leftLayout->addWidget(m_tree);
    buildTransferRow(leftLayout);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setChildrenCollapsible(false); // at 800×500 both halves stay on screen
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 420, 480 });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(&m_model, &FileTreeModel::listingWanted, this, &FilesPage::list);
    connect(&m_model, &FileTreeModel::detailsWanted, this, &FilesPage::fetchDetails);
    connect(m_rootEdit, &QLineEdit::returnPressed, this, [this] {
        if (confirmLeave())
            return showRoot(m_rootEdit->text().trimmed());
        m_rootEdit->setText(m_model.rootPath());
    });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (m_model.infoAt(index).kind == FileKind::File)
            openFile(m_model.pathOf(index));
    });
    connect(m_editor, &QPlainTextEdit::modificationChanged, this, &FilesPage::updateSaveEnabled);
    m_tree->hostCopyOf = [this](const QModelIndex &index) { return m_hostCopies.value(m_model.pathOf(index)); };
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &FilesPage::prepareDragOut);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, &FilesPage::showContextMenu);
    connect(m_tree, &FileTreeView::filesDropped, this, [this](const QModelIndex &target, const QStringList &paths) {
        upload(directoryFor(target), paths);
    });
    connect(m_save, &QPushButton::clicked, this, [this] { save(); });
    buildActions();
}

// "Changed in the sandbox since you opened it": the person's edits stay
// until they pick, and Save asks before overwriting the sandbox's version.
void FilesPage::buildConflictBar()
{
    auto *reload = new QPushButton(tr("Reload (lose your edits)"), m_conflictBar);
    auto *keep = new QPushButton(tr("Keep mine"), m_conflictBar);
    m_conflictBar->setFrameShape(QFrame::StyledPanel);
    m_conflictBar->setAccessibleName(tr("File changed in the sandbox"));
    m_conflictText->setTextFormat(Qt::PlainText);
    m_conflictText->setWordWrap(true);
    reload->setAccessibleName(tr("Reload the file, losing your edits"));
    keep->setAccessibleName(tr("Keep your edits"));
    auto *row = new QHBoxLayout(m_conflictBar);
    row->addWidget(m_conflictText, 1);
    row->addWidget(reload);
    row->addWidget(keep);
    m_conflictBar->hide();
    connect(reload, &QPushButton::clicked, this, [this] { loadFile(m_openPath, true); });
    connect(keep, &QPushButton::clicked, m_conflictBar, &QWidget::hide);
}

// Uploads and saves to the host run in the background: what is moving and
// how far, under the tree, while any is on its way.
void FilesPage::buildTransferRow(QLayout *into)
{
    m_transferText->setTextFormat(Qt::PlainText); // file names are the host's or the sandbox's
    m_transferText->setAccessibleName(tr("Transfer in progress"));
    m_transferBar->setAccessibleName(tr("Transfer progress"));
    m_transferBar->setTextVisible(false);
    m_transferText->hide();
    m_transferBar->hide();
    into->addWidget(m_transferText);
    into->addWidget(m_transferBar);
    connect(&m_transfers, &FileTransfers::progress, this, [this](const QString &what, qint64 done, qint64 total) {
        const QLocale locale;
        m_transferText->setText(displayText(total >= 0 ? tr("%1: %2 of %3").arg(what, locale.formattedDataSize(done), locale.formattedDataSize(total))
                                                       : tr("%1: %2").arg(what, locale.formattedDataSize(done))));
        // Per mille: a file over 2 GiB does not fit the bar's int range in bytes.
        m_transferBar->setRange(0, total > 0 ? 1000 : 0);
        m_transferBar->setValue(total > 0 ? int(done * 1000 / total) : 0);
        m_transferText->show();
        m_transferBar->show();
    });
    connect(&m_transfers, &FileTransfers::allDone, this, [this] {
        m_transferText->hide();
        m_transferBar->hide();
    });
}

// Keys that belong to this tab only: Delete acts on the selected file (the
// sandbox list has its own), Ctrl+S on the open one.
void FilesPage::buildActions()
{
    auto *remove = new QAction(tr("Delete File or Folder"), m_tree);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_tree->addAction(remove);
    connect(remove, &QAction::triggered, this, [this] { confirmRemove(m_tree->currentIndex()); });
    auto *save = new QAction(tr("Save File"), this);
    save->setShortcut(QKeySequence::Save);
    save->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(save);
    connect(save, &QAction::triggered, this, [this] {
        if (hasUnsavedChanges())
            this->save();
    });
}

FilesPage::~FilesPage() { stopWatch(); }

// Widths computed once from the font, never from the rows: sizing a column
// to its contents reads every row on every change, and a flood makes that
// O(changes × rows). The name column takes the rest.
void FilesPage::setUpTreeColumns()
{
    m_tree->setUniformRowHeights(true); // cheap layout for large directories
    QHeaderView *header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(FileTreeModel::Name, QHeaderView::Stretch);
    header->setSectionResizeMode(FileTreeModel::Size, QHeaderView::Interactive);
    header->setSectionResizeMode(FileTreeModel::Modified, QHeaderView::Interactive);
    const QFontMetrics metrics(m_tree->font());
    const int padding = 4 * metrics.averageCharWidth();
    header->resizeSection(FileTreeModel::Size, metrics.horizontalAdvance(QStringLiteral("1023.9 MiB")) + padding);
    header->resizeSection(FileTreeModel::Modified, metrics.horizontalAdvance(QStringLiteral("2026-12-31 23:59:59")) + padding);
    m_tree->setSortingEnabled(true); // the model sorts: folders first, names naturally
    m_tree->sortByColumn(FileTreeModel::Name, Qt::AscendingOrder);
}

void FilesPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    const QString id = sandbox && sandbox->state == SandboxState::Running ? sandbox->id : QString();
    if (id == m_sandboxId)
        return;
    // Stopped from elsewhere (the CLI, an agent), a sandbox cannot ask
    // first: the open file's unsaved edits stay in the editor, to be saved
    // once it runs again. (The window asks before it stops or leaves one.)
    const bool keepEdits = hasUnsavedChanges() && sandbox && sandbox->id == m_openSandbox;
    m_sandboxId = id;
    showRoot(m_rootEdit->text().trimmed(), keepEdits);
    if (keepEdits)
        showNotice(id.isEmpty() ? tr("The sandbox stopped: your unsaved changes to %1 are kept here. Start it again to save them.")
                                      .arg(displayText(m_openPath))
                                : tr("Your unsaved changes to %1 were kept while the sandbox was stopped: save them now.")
                                      .arg(displayText(m_openPath)));
}

void FilesPage::showRoot(const QString &path, bool keepEdits)
{
    stopWatch();
    ++m_generation;
    m_model.setRoot(path.isEmpty() ? QStringLiteral("/root") : path);
    m_hostCopies.clear();
    ++m_loadSerial;
    if (!keepEdits) {
        m_editor->clear();
        m_editor->document()->setModified(false);
        m_openPath.clear();
        m_openSandbox.clear();
    }
    m_notice->hide();
    m_conflictBar->hide();
    updateSaveEnabled();
    if (!m_sandboxId.isEmpty())
        startWatch();
}

// The root is listed once the watch is in place, so no change can fall
// between the listing and the first event.
void FilesPage::startWatch()
{
    const QString id = m_sandboxId, root = m_model.rootPath();
    const int generation = m_generation;
    QPointer<FilesPage> self(this);
    m_engine.call<QPointer<FileWatch>>(
        [id, root, self, generation](Engine &e) -> Result<QPointer<FileWatch>> {
            auto w = e.watchFiles(id, root, defaultExcludes(root));
            if (!w)
                return tl::unexpected(w.error());
            // Connected here, on the engine thread; delivered queued to the page.
            QObject::connect(*w, &FileWatch::ready, self.data(), [self, generation](quint64) {
                if (self && generation == self->m_generation)
                    self->m_model.releaseRoot();
            });
            QObject::connect(*w, &FileWatch::changed, self.data(), [self, generation](const QList<FileEvent> &events) {
                if (self && generation == self->m_generation)
                    self->onEvents(events);
            });
            QObject::connect(*w, &FileWatch::resynced, self.data(), [self, generation](const TreeSnapshot &s) {
                if (self && generation == self->m_generation)
                    self->m_model.applySnapshot(s);
            });
            QObject::connect(*w, &FileWatch::failed, self.data(), [self](const Error &err) {
                if (self) {
                    self->showNotice(tr("Not watching: %1").arg(err.message));
                }
            });
            return QPointer<FileWatch>(*w);
        },
        [this, generation](Result<QPointer<FileWatch>> w) {
            if (!w) {
                showNotice(w.error().message);
                return;
            }
            if (generation != m_generation)
                return m_engine.post([old = *w] {
                    if (old)
                        old->deleteLater();
                });
            m_watch = *w;
        });
}

void FilesPage::stopWatch()
{
    m_engine.post([w = m_watch] {
        if (w)
            w->deleteLater();
    });
    m_watch.clear();
}

void FilesPage::list(const QString &dirPath)
{
    const QString id = m_sandboxId;
    const int generation = m_generation;
    m_engine.callAsync<QList<FileInfo>>(
        [id, dirPath](Engine &e, Callback<QList<FileInfo>> done) { e.listFiles(id, dirPath, done); },
        [this, dirPath, generation](Result<QList<FileInfo>> r) {
            if (generation != m_generation)
                return;
            r ? m_model.setListing(dirPath, *r) : m_model.listingFailed(dirPath);
        });
}

void FilesPage::onEvents(const QList<FileEvent> &events)
{
    m_model.applyEvents(events);
    for (const FileEvent &e : events) { // a host copy of an older version must not be dragged out
        m_hostCopies.remove(e.path);
        m_hostCopies.remove(e.fromPath);
    }
    if (!m_openPath.isEmpty())
        for (const FileEvent &e : events)
            if (e.path == m_openPath || e.fromPath == m_openPath)
                openFileChanged(e);
}

// Events say what changed, not the new size: the model asks for the rows
// it shows, a screenful at a time.
void FilesPage::fetchDetails(const QStringList &paths)
{
    const QString id = m_sandboxId;
    const int generation = m_generation;
    for (const QString &path : paths)
        m_engine.callAsync<FileInfo>([id, path](Engine &eng, Callback<FileInfo> done) { eng.statFile(id, path, done); },
                                     [this, path, generation](Result<FileInfo> info) {
                                         if (info && generation == m_generation)
                                             m_model.updateInfo(path, *info);
                                     });
}

// Notices quote paths and errors that name the sandbox's files: escaped,
// so a name cannot add lines or turn the text around.
void FilesPage::showNotice(const QString &text)
{
    m_notice->setText(displayText(text));
    m_notice->show();
}

} // namespace paddock::ui
