#include "files_page.h"
#include "plain_message_box.h"

#include "paddock/display_text.h"

#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringDecoder>
#include <QVBoxLayout>

namespace paddock::ui {

namespace {

constexpr qint64 kMaxViewBytes = 16 * 1024 * 1024;

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
    : SandboxPage(parent), m_engine(engine), m_rootEdit(new QLineEdit(QStringLiteral("/root"), this)),
      m_tree(new FileTreeView(this)), m_viewer(new QStackedWidget(this)), m_editor(new QPlainTextEdit(this)),
      m_image(new QLabel(this)), m_notice(new QLabel(this)), m_save(new QPushButton(tr("Save"), this))
{
    m_tree->setModel(&m_model);
    m_tree->setUniformRowHeights(true); // cheap layout for large directories
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(FileTreeModel::Name, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(FileTreeModel::Size, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(FileTreeModel::Modified, QHeaderView::ResizeToContents);
    m_editor->setFont(QFont(QStringLiteral("monospace")));
    m_image->setAlignment(Qt::AlignCenter);
    m_notice->setWordWrap(true);
    m_notice->setTextFormat(Qt::PlainText); // paths in it are the sandbox's: never markup
    m_notice->hide();
    m_save->setEnabled(false);
    m_viewer->addWidget(m_editor);
    m_viewer->addWidget(m_image);

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_notice);
    rightLayout->addWidget(m_viewer);
    rightLayout->addWidget(m_save, 0, Qt::AlignRight);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_rootEdit);
    leftLayout->addWidget(m_tree);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 420, 480 });
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    connect(&m_model, &FileTreeModel::listingWanted, this, &FilesPage::list);
    connect(m_rootEdit, &QLineEdit::returnPressed, this, [this] { showRoot(m_rootEdit->text().trimmed()); });
    connect(m_tree, &QTreeView::activated, this, [this](const QModelIndex &index) {
        if (m_model.infoAt(index).kind == FileKind::File)
            openFile(m_model.pathOf(index));
    });
    connect(m_editor, &QPlainTextEdit::modificationChanged, m_save, &QPushButton::setEnabled);
    m_tree->hostCopyOf = [this](const QModelIndex &index) { return m_hostCopies.value(m_model.pathOf(index)); };
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, &FilesPage::prepareDragOut);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_tree, &QWidget::customContextMenuRequested, this, &FilesPage::showContextMenu);
    connect(m_tree, &FileTreeView::filesDropped, this, [this](const QModelIndex &target, const QStringList &paths) {
        upload(directoryFor(target), paths);
    });
    connect(m_save, &QPushButton::clicked, this, &FilesPage::save);
}

FilesPage::~FilesPage() { stopWatch(); }

void FilesPage::showSandbox(const std::optional<SandboxInfo> &sandbox)
{
    const QString id = sandbox && sandbox->state == SandboxState::Running ? sandbox->id : QString();
    if (id == m_sandboxId)
        return;
    m_sandboxId = id;
    showRoot(m_rootEdit->text().trimmed());
}

void FilesPage::showRoot(const QString &path)
{
    stopWatch();
    ++m_generation;
    m_model.setRoot(path.isEmpty() ? QStringLiteral("/root") : path);
    m_hostCopies.clear();
    m_editor->clear();
    m_openPath.clear();
    m_notice->hide();
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
    refreshDetails(events);
    for (const FileEvent &e : events) {
        if (m_saving || m_openPath.isEmpty())
            continue;
        const bool gone = (e.change == FileChange::Deleted && e.path == m_openPath)
            || (e.change == FileChange::Moved && e.fromPath == m_openPath);
        // An atomic save (ours or a tool's) moves a new file over the old.
        const bool replaced = e.path == m_openPath && (e.change == FileChange::Modified || e.change == FileChange::Moved);
        if (gone) {
            showNotice(tr("%1 was deleted or moved in the sandbox.").arg(m_openPath));
            continue;
        }
        if (!replaced)
            continue;
        // Our own save is a change too: only a different version is news.
        const QString id = m_sandboxId, path = m_openPath;
        m_engine.callAsync<FileInfo>([id, path](Engine &e, Callback<FileInfo> done) { e.statFile(id, path, done); },
                                     [this, path](Result<FileInfo> now) {
                                         if (!now || path != m_openPath || now->modified == m_openModified)
                                             return;
                                         showNotice(tr("%1 changed in the sandbox since you opened it.").arg(path));
                                     });
    }
}

// Events say what changed, not the new size: shown rows ask. A burst asks
// for a bounded number; the rest keep their old details until next listed.
void FilesPage::refreshDetails(const QList<FileEvent> &events)
{
    constexpr int kMaxStatsPerBatch = 64;
    int asked = 0;
    for (const FileEvent &e : events) {
        if (e.change == FileChange::Deleted || e.directory || !m_model.indexOf(e.path).isValid())
            continue;
        if (++asked > kMaxStatsPerBatch)
            return;
        const QString id = m_sandboxId, path = e.path;
        const int generation = m_generation;
        m_engine.callAsync<FileInfo>([id, path](Engine &eng, Callback<FileInfo> done) { eng.statFile(id, path, done); },
                                     [this, path, generation](Result<FileInfo> info) {
                                         if (info && generation == m_generation)
                                             m_model.updateInfo(path, *info);
                                     });
    }
}

// A bounded prefix, whatever stat said: the size of a symlink is its
// target's name, a pseudo-file's is 0, and either may lead to gigabytes.
void FilesPage::openFile(const QString &path)
{
    const QString id = m_sandboxId;
    auto info = std::make_shared<FileInfo>();
    m_engine.callAsync<FileHead>(
        [id, path, info](Engine &e, Callback<FileHead> done) {
            e.statFile(id, path, [&e, id, path, info, done](Result<FileInfo> st) {
                if (!st)
                    return done(tl::unexpected(st.error()));
                *info = *st;
                e.readFileHead(id, path, kMaxViewBytes, done);
            });
        },
        [this, path, info](Result<FileHead> r) {
            if (!r) {
                showNotice(r.error().message);
                return;
            }
            showContent(path, *r, *info);
        });
}

void FilesPage::showContent(const QString &path, const FileHead &head, const FileInfo &info)
{
    m_openPath = path;
    m_openModified = info.modified;
    m_openPartial = !head.complete;
    m_notice->hide();
    QImage image;
    if (head.complete && image.loadFromData(head.bytes)) {
        m_image->setPixmap(QPixmap::fromImage(image).scaled(m_viewer->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
        m_viewer->setCurrentWidget(m_image);
        return;
    }
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString text = utf8(head.bytes);
    const bool binary = utf8.hasError() || head.bytes.contains('\0');
    m_editor->setPlainText(binary ? tr("(binary file, %1)").arg(QLocale().formattedDataSize(head.bytes.size())) : text);
    // Part of a file is never saved back over the whole of it.
    m_editor->setReadOnly(binary || m_openPartial);
    m_editor->document()->setModified(false);
    m_viewer->setCurrentWidget(m_editor);
    if (m_openPartial) {
        m_notice->setText(tr("Showing the first %1 of %2: the file goes on past that (read-only here).")
                              .arg(QLocale().formattedDataSize(head.bytes.size()), path));
        m_notice->show();
    }
}

// Saves over the file only if it is as it was when opened; otherwise asks.
void FilesPage::save()
{
    if (m_openPath.isEmpty() || m_openPartial)
        return;
    const QString id = m_sandboxId, path = m_openPath;
    const QByteArray bytes = m_editor->toPlainText().toUtf8();
    m_engine.callAsync<FileInfo>([id, path](Engine &e, Callback<FileInfo> done) { e.statFile(id, path, done); },
                                 [this, path, bytes](Result<FileInfo> now) {
                                     const bool changed = now && now->modified != m_openModified;
                                     if (changed
                                         && !askPlain(this, tr("File changed"),
                                                      tr("%1 changed in the sandbox since you opened it. "
                                                         "Save your version over it?").arg(path)))
                                         return;
                                     writeBack(path, bytes);
                                 });
}

void FilesPage::writeBack(const QString &path, const QByteArray &bytes)
{
    const QString id = m_sandboxId;
    m_saving = true;
    m_engine.callAsync<FileInfo>(
        [id, path, bytes](Engine &e, Callback<FileInfo> done) {
            e.writeFile(id, path, bytes, 0644, [&e, id, path, done](Result<void> r) {
                if (!r)
                    return done(tl::unexpected(r.error()));
                e.statFile(id, path, done);
            });
        },
        [this](Result<FileInfo> saved) {
            m_saving = false;
            if (!saved)
                return warnPlain(this, tr("Save failed"), saved.error().message);
            m_openModified = saved->modified;
            m_editor->document()->setModified(false);
            m_notice->hide();
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
