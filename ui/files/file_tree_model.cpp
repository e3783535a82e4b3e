#include "file_tree_model.h"

#include "paddock/display_text.h"

#include <QLocale>

namespace paddock::ui {

namespace {

constexpr int kIdleMs = 16; // after the last event of a burst
constexpr int kMaxDelayMs = 100; // after the first, however long the burst
constexpr int kMaxDetailsPerTurn = 256;
constexpr int kEventsPerClockCheck = 64;

QString parentOf(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

QString nameOf(const QString &path) { return path.mid(path.lastIndexOf(u'/') + 1); }

} // namespace

FileTreeModel::FileTreeModel(QObject *parent) : QAbstractItemModel(parent)
{
    m_clock.start();
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &FileTreeModel::flush);
    m_detailsTimer.setSingleShot(true);
    connect(&m_detailsTimer, &QTimer::timeout, this, [this] {
        if (!m_detailsWanted.isEmpty())
            Q_EMIT detailsWanted(std::exchange(m_detailsWanted, {}));
    });
    setRoot(QStringLiteral("/root"));
}

FileTreeModel::~FileTreeModel() = default;

void FileTreeModel::setRoot(const QString &path)
{
    beginResetModel(); // a different tree altogether, not an update
    m_root = std::make_unique<Node>();
    m_root->info.name = path.size() > 1 && path.endsWith(u'/') ? path.chopped(1) : path;
    m_root->info.kind = FileKind::Directory;
    m_rootHeld = true;
    m_pending.clear();
    m_inbox.clear();
    m_inboxAt = 0;
    m_firstPending = -1;
    m_detailsWanted.clear();
    endResetModel();
}

void FileTreeModel::releaseRoot()
{
    m_rootHeld = false;
    fetchMore(QModelIndex());
}

QString FileTreeModel::rootPath() const { return m_root->info.name; }

QString FileTreeModel::pathOf(const QModelIndex &index) const
{
    QStringList parts;
    for (Node *n = nodeAt(index); n && n != m_root.get(); n = n->parent)
        parts.prepend(n->info.name);
    QString base = rootPath();
    for (const QString &p : parts)
        base += (base.endsWith(u'/') ? QString() : QStringLiteral("/")) + p;
    return base;
}

FileTreeModel::Node *FileTreeModel::nodeAt(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

FileTreeModel::Node *FileTreeModel::find(const QString &path) const
{
    const QString root = rootPath();
    if (path == root)
        return m_root.get();
    const QString prefix = root.endsWith(u'/') ? root : root + u'/';
    if (!path.startsWith(prefix))
        return nullptr;
    Node *n = m_root.get();
    for (const QString &part : path.mid(prefix.size()).split(u'/', Qt::SkipEmptyParts)) {
        n = n->byName.value(part);
        if (!n)
            return nullptr;
    }
    return n;
}

QModelIndex FileTreeModel::indexFor(Node *node, int column) const
{
    return node == m_root.get() || !node ? QModelIndex() : createIndex(node->row(), column, node);
}

QModelIndex FileTreeModel::indexOf(const QString &path) const { return indexFor(find(path)); }

FileInfo FileTreeModel::infoAt(const QModelIndex &index) const { return nodeAt(index)->info; }

// A listing replaces whatever was pending for the directory: it is newer
// than every event already received. What came while it travelled follows.
void FileTreeModel::setListing(const QString &dirPath, const QList<FileInfo> &entries)
{
    takeInbox(QDeadlineTimer(QDeadlineTimer::Forever)); // every event received is older than this
    Node *dir = find(dirPath);
    if (!dir || !dir->isDir())
        return;
    DirChanges changes;
    changes.since = m_clock.elapsed();
    changes.byName.reserve(entries.size());
    changes.walk = !dir->children.empty();
    for (const FileInfo &e : entries) {
        changes.byName.insert(e.name, Change { Change::Upsert, e, true, {}, true });
        changes.unsorted.push_back(e.name);
    }
    for (const Node *child : dir->children)
        if (!changes.byName.contains(child->info.name))
            changes.byName.insert(child->info.name, Change { Change::Remove, {}, false, {} });
    dir->rowsPending = !changes.byName.isEmpty();
    if (dir->rowsPending)
        m_pending[dirPath] = std::move(changes);
    else
        m_pending.erase(dirPath);
    dir->listed = true;
    dir->listing = false;
    DirLookup last;
    for (const FileEvent &e : std::exchange(dir->heldEvents, {}))
        applyEvent(e, last);
    if (hasPendingChanges())
        scheduleFlush();
}

void FileTreeModel::listingFailed(const QString &dirPath)
{
    if (Node *dir = find(dirPath)) {
        dir->listing = false;
        dir->heldEvents.clear();
    }
}

// Taken in on the next flush, a slice at a time: a delivery of thousands
// of events is thousands of lookups, too long for one turn.
void FileTreeModel::applyEvents(const QList<FileEvent> &events)
{
    m_inbox.append(events);
    scheduleFlush();
}

// Returns true when the inbox is empty. Consecutive events mostly name the
// same directory: its lookup is kept for the next (nothing is removed
// from the tree while events are taken in).
bool FileTreeModel::takeInbox(const QDeadlineTimer &slice)
{
    DirLookup last;
    for (int taken = 0; m_inboxAt < m_inbox.size(); ++m_inboxAt) {
        if (++taken % kEventsPerClockCheck == 0 && slice.hasExpired())
            return false;
        applyEvent(m_inbox.at(m_inboxAt), last);
    }
    m_inbox.clear();
    m_inboxAt = 0;
    return true;
}

void FileTreeModel::applyEvent(const FileEvent &e, DirLookup &last)
{
    if (e.change == FileChange::Moved) {
        applyEvent(FileEvent { e.version, FileChange::Deleted, e.fromPath, {}, e.directory }, last);
        applyEvent(FileEvent { e.version, FileChange::Created, e.path, {}, e.directory }, last);
        return;
    }
    const QString dirPath = parentOf(e.path);
    if (dirPath != last.path)
        last = DirLookup { dirPath, find(dirPath) };
    Node *parent = last.node;
    if (!parent)
        return; // below a directory nobody has opened: listed fresh when opened
    if (parent->listing) {
        parent->heldEvents.append(e);
        return;
    }
    if (!parent->listed)
        return;
    Change c;
    c.info.name = nameOf(e.path);
    c.info.kind = e.directory ? FileKind::Directory : FileKind::File;
    c.info.modified = QDateTime::currentDateTimeUtc();
    c.op = e.change == FileChange::Created ? Change::Upsert : e.change == FileChange::Deleted ? Change::Remove : Change::Touch;
    const QString name = c.info.name;
    record(parent, dirPath, name, std::move(c));
}

// Keeps the last word per name, folding what a batch would undo anyway
// (created then deleted, created then written).
void FileTreeModel::record(Node *dir, const QString &dirPath, const QString &name, Change change)
{
    DirChanges &changes = m_pending[dirPath];
    if (changes.byName.isEmpty())
        changes.since = m_clock.elapsed();
    if (change.op != Change::Upsert || dir->byName.contains(name))
        changes.walk = true;
    auto it = changes.byName.find(name);
    if (it == changes.byName.end()) {
        it = changes.byName.insert(name, std::move(change));
    } else if (change.op == Change::Touch || change.op == Change::Refresh) {
        Change &was = *it;
        if (was.op == Change::Remove)
            return; // what is gone is not refreshed
        if (was.op == Change::Upsert) { // new info for a row still to come
            was.known = change.op == Change::Refresh;
            if (was.known)
                was.info = change.info;
        } else {
            was = std::move(change);
        }
    } else {
        if (change.op == Change::Upsert) { // a key is the name's: it still holds
            change.key = std::move(it->key);
            change.queued = it->queued;
        }
        *it = std::move(change);
    }
    if (it->op == Change::Upsert && !it->queued) {
        it->queued = true;
        changes.unsorted.push_back(name);
    }
}

void FileTreeModel::scheduleFlush()
{
    if (m_firstPending < 0)
        m_firstPending = m_clock.elapsed();
    const qint64 waited = m_clock.elapsed() - m_firstPending;
    m_flushTimer.start(int(std::clamp<qint64>(kMaxDelayMs - waited, 0, kIdleMs)));
}

void FileTreeModel::updateInfo(const QString &path, const FileInfo &info)
{
    Node *n = find(path);
    if (!n || n == m_root.get())
        return;
    n->detailsAsked = false;
    record(n->parent, parentOf(path), n->info.name, Change { Change::Refresh, info, true, {} });
    scheduleFlush();
}

void FileTreeModel::applySnapshot(const TreeSnapshot &snapshot)
{
    // Only directories that are loaded matter; the rest of the tree (which
    // may be most of the snapshot) is skipped with one lookup per entry.
    QHash<QString, QList<FileInfo>> byDir;
    QList<Node *> loaded { m_root.get() };
    for (qsizetype i = 0; i < loaded.size(); ++i)
        for (Node *c : loaded[i]->children)
            if (c->listed)
                loaded.append(c);
    for (Node *dir : std::as_const(loaded))
        if (dir->listed)
            byDir.insert(pathOf(indexFor(dir)), {});
    for (const FileInfo &f : snapshot.entries) {
        auto dir = byDir.find(parentOf(f.name));
        if (dir == byDir.end())
            continue;
        FileInfo child = f;
        child.name = nameOf(f.name);
        dir->append(child);
    }
    for (auto it = byDir.cbegin(); it != byDir.cend(); ++it)
        setListing(it.key(), it.value());
}

QModelIndex FileTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    Node *p = nodeAt(parent);
    if (row < 0 || size_t(row) >= p->children.size() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column, p->children[size_t(row)]);
}

QModelIndex FileTreeModel::parent(const QModelIndex &child) const
{
    Node *n = nodeAt(child);
    return n && n->parent ? indexFor(n->parent) : QModelIndex();
}

int FileTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    return int(nodeAt(parent)->children.size());
}

int FileTreeModel::columnCount(const QModelIndex &) const { return ColumnCount; }

QVariant FileTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *n = nodeAt(index);
    if (role == Qt::DecorationRole && index.column() == Name)
        return m_icons.iconFor(n->info);
    if (role == Qt::TextAlignmentRole && index.column() == Size)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: // names and link targets are the sandbox's: shown, never acted on
        return n->info.kind == FileKind::Symlink ? displayText(n->info.name) + QStringLiteral(" → ") + displayText(n->info.linkTarget)
                                                 : displayText(n->info.name);
    case Size:
        requestDetails(const_cast<Node *>(n));
        return n->isDir() ? QVariant() : QLocale().formattedDataSize(n->info.size);
    case Modified:
        requestDetails(const_cast<Node *>(n));
        return n->info.modified.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    return {};
}

// A row being painted is a row someone sees: only those cost a stat.
void FileTreeModel::requestDetails(Node *node) const
{
    if (!node->stale || node->detailsAsked || m_detailsWanted.size() >= kMaxDetailsPerTurn)
        return;
    node->detailsAsked = true;
    m_detailsWanted.append(pathOf(indexFor(node)));
    if (!m_detailsTimer.isActive())
        m_detailsTimer.start(0);
}

QVariant FileTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const kTitles[] = { "Name", "Size", "Modified" };
    return tr(kTitles[section]);
}

bool FileTreeModel::hasChildren(const QModelIndex &parent) const
{
    const Node *n = nodeAt(parent);
    return n->isDir() && (!n->listed || n->rowsPending || !n->children.empty());
}

bool FileTreeModel::canFetchMore(const QModelIndex &parent) const
{
    const Node *n = nodeAt(parent);
    if (!parent.isValid() && m_rootHeld)
        return false;
    return n->isDir() && !n->listed && !n->listing;
}

void FileTreeModel::fetchMore(const QModelIndex &parent)
{
    Node *n = nodeAt(parent);
    if (!canFetchMore(parent))
        return;
    n->listing = true;
    Q_EMIT listingWanted(pathOf(parent));
}

} // namespace paddock::ui
