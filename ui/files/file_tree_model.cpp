#include "file_tree_model.h"

#include "paddock/display_text.h"

#include <QFileIconProvider>
#include <QLocale>

#include <algorithm>

namespace paddock::ui {

struct FileTreeModel::Node {
    FileInfo info; // info.name: this entry's name
    Node *parent = nullptr;
    std::vector<std::unique_ptr<Node>> children; // directories first, then by name
    int rowInParent = 0; // kept current on every insert and removal: views ask often
    bool listed = false;
    bool listing = false;
    QList<FileEvent> heldEvents; // for this directory, while its listing is on its way

    bool isDir() const { return info.kind == FileKind::Directory; }
    int row() const { return rowInParent; }
    void renumberFrom(size_t first)
    {
        for (size_t i = first; i < children.size(); ++i)
            children[i]->rowInParent = int(i);
    }
    int findChild(const QString &name) const; // by binary search: children are sorted
};

namespace {

bool sortsBefore(const FileInfo &a, const FileInfo &b)
{
    const bool aDir = a.kind == FileKind::Directory, bDir = b.kind == FileKind::Directory;
    if (aDir != bDir)
        return aDir;
    return a.name < b.name;
}

QString parentOf(const QString &path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash <= 0 ? QStringLiteral("/") : path.left(slash);
}

QString nameOf(const QString &path) { return path.mid(path.lastIndexOf(u'/') + 1); }

} // namespace

int FileTreeModel::Node::findChild(const QString &name) const
{
    // Directories sort first: look for the name as one, then as anything else.
    for (FileKind kind : { FileKind::Directory, FileKind::File }) {
        FileInfo probe;
        probe.name = name;
        probe.kind = kind;
        auto it = std::lower_bound(children.begin(), children.end(), probe,
                                   [](const auto &c, const FileInfo &i) { return sortsBefore(c->info, i); });
        if (it != children.end() && (*it)->info.name == name)
            return int(it - children.begin());
    }
    return -1;
}

FileTreeModel::FileTreeModel(QObject *parent) : QAbstractItemModel(parent) { setRoot(QStringLiteral("/root")); }

FileTreeModel::~FileTreeModel() = default;

void FileTreeModel::setRoot(const QString &path)
{
    beginResetModel(); // a different tree altogether, not an update
    m_root = std::make_unique<Node>();
    m_root->info.name = path.size() > 1 && path.endsWith(u'/') ? path.chopped(1) : path;
    m_root->info.kind = FileKind::Directory;
    m_rootHeld = true;
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
        int i = n->findChild(part);
        if (i < 0)
            return nullptr;
        n = n->children[size_t(i)].get();
    }
    return n;
}

QModelIndex FileTreeModel::indexFor(Node *node, int column) const
{
    return node == m_root.get() || !node ? QModelIndex() : createIndex(node->row(), column, node);
}

QModelIndex FileTreeModel::indexOf(const QString &path) const { return indexFor(find(path)); }

FileInfo FileTreeModel::infoAt(const QModelIndex &index) const { return nodeAt(index)->info; }

void FileTreeModel::insertChild(Node *parent, const FileInfo &info)
{
    if (parent->findChild(info.name) >= 0)
        return; // already there: a listing and an event can both report it
    auto pos = std::lower_bound(parent->children.begin(), parent->children.end(), info,
                                [](const auto &c, const FileInfo &i) { return sortsBefore(c->info, i); });
    const int row = int(pos - parent->children.begin());
    beginInsertRows(indexFor(parent), row, row);
    auto node = std::make_unique<Node>();
    node->info = info;
    node->parent = parent;
    parent->children.insert(parent->children.begin() + row, std::move(node));
    parent->renumberFrom(size_t(row));
    endInsertRows();
}

void FileTreeModel::removeChild(Node *parent, int row)
{
    beginRemoveRows(indexFor(parent), row, row);
    parent->children.erase(parent->children.begin() + row);
    parent->renumberFrom(size_t(row));
    endRemoveRows();
}

void FileTreeModel::setListing(const QString &dirPath, const QList<FileInfo> &entries)
{
    Node *dir = find(dirPath);
    if (!dir || !dir->isDir())
        return;
    QSet<QString> names;
    for (const FileInfo &e : entries)
        names.insert(e.name);
    for (int i = int(dir->children.size()) - 1; i >= 0; --i)
        if (!names.contains(dir->children[size_t(i)]->info.name))
            removeChild(dir, i);
    if (dir->children.empty() && !entries.isEmpty()) {
        // First listing: one ranged insert.
        QList<FileInfo> sorted = entries;
        std::sort(sorted.begin(), sorted.end(), sortsBefore);
        beginInsertRows(indexFor(dir), 0, int(sorted.size()) - 1);
        for (const FileInfo &e : sorted) {
            auto node = std::make_unique<Node>();
            node->info = e;
            node->parent = dir;
            dir->children.push_back(std::move(node));
        }
        dir->renumberFrom(0);
        endInsertRows();
    } else {
        for (const FileInfo &e : entries)
            insertChild(dir, e);
    }
    dir->listed = true;
    dir->listing = false;
    // What happened while the listing travelled, in order, on top of it.
    for (const FileEvent &e : std::exchange(dir->heldEvents, {}))
        applyEvent(e);
}

void FileTreeModel::listingFailed(const QString &dirPath)
{
    if (Node *dir = find(dirPath)) {
        dir->listing = false;
        dir->heldEvents.clear();
    }
}

void FileTreeModel::applyEvents(const QList<FileEvent> &events)
{
    for (const FileEvent &e : events)
        applyEvent(e);
}

void FileTreeModel::applyEvent(const FileEvent &e)
{
    if (e.change == FileChange::Moved) {
        applyEvent(FileEvent { e.version, FileChange::Deleted, e.fromPath, {}, e.directory });
        applyEvent(FileEvent { e.version, FileChange::Created, e.path, {}, e.directory });
        return;
    }
    Node *parent = find(parentOf(e.path));
    if (!parent)
        return; // below a directory nobody has opened: listed fresh when opened
    if (parent->listing) {
        parent->heldEvents.append(e);
        return;
    }
    if (!parent->listed)
        return;
    const int row = parent->findChild(nameOf(e.path));
    if (e.change == FileChange::Created) {
        FileInfo info;
        info.name = nameOf(e.path);
        info.kind = e.directory ? FileKind::Directory : FileKind::File;
        info.modified = QDateTime::currentDateTimeUtc();
        insertChild(parent, info);
    } else if (e.change == FileChange::Deleted && row >= 0) {
        removeChild(parent, row);
    } else if (e.change == FileChange::Modified && row >= 0) {
        Node *n = parent->children[size_t(row)].get();
        n->info.modified = QDateTime::currentDateTimeUtc();
        Q_EMIT dataChanged(indexFor(n, 0), indexFor(n, ColumnCount - 1));
    }
}

void FileTreeModel::applySnapshot(const TreeSnapshot &snapshot)
{
    // Group the snapshot by directory, then bring each loaded one in line.
    QHash<QString, QList<FileInfo>> byDir;
    for (const FileInfo &f : snapshot.entries) {
        FileInfo child = f;
        child.name = nameOf(f.name);
        byDir[parentOf(f.name)].append(child);
    }
    QList<Node *> loaded { m_root.get() };
    for (qsizetype i = 0; i < loaded.size(); ++i)
        for (const auto &c : loaded[i]->children)
            if (c->listed)
                loaded.append(c.get());
    for (Node *dir : std::as_const(loaded))
        if (dir->listed)
            setListing(pathOf(indexFor(dir)), byDir.value(pathOf(indexFor(dir))));
}

void FileTreeModel::updateInfo(const QString &path, const FileInfo &info)
{
    Node *n = find(path);
    if (!n || n == m_root.get())
        return;
    const QString name = n->info.name;
    n->info = info;
    n->info.name = name;
    Q_EMIT dataChanged(indexFor(n, 0), indexFor(n, ColumnCount - 1));
}

QModelIndex FileTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    Node *p = nodeAt(parent);
    if (row < 0 || size_t(row) >= p->children.size() || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
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
    const Node *n = nodeAt(index);
    if (!index.isValid())
        return {};
    if (role == Qt::DecorationRole && index.column() == Name) {
        static QFileIconProvider icons;
        return icons.icon(n->isDir() ? QFileIconProvider::Folder : QFileIconProvider::File);
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: // names and link targets are the sandbox's: shown, never acted on
        return n->info.kind == FileKind::Symlink ? displayText(n->info.name) + QStringLiteral(" → ") + displayText(n->info.linkTarget)
                                                 : displayText(n->info.name);
    case Size: return n->isDir() ? QVariant() : QLocale().formattedDataSize(n->info.size);
    case Modified: return n->info.modified.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    return {};
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
    return n->isDir() && (!n->listed || !n->children.empty());
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
