// FileTreeModel's batches: what piled up per directory becomes sorted,
// contiguous row ranges (removed bottom-up, inserted bottom-up, so no range
// moves another's rows) and one dataChanged per run of changed rows — a
// time slice at a time.
#include "file_tree_model.h"

#include <algorithm>

namespace paddock::ui {

namespace {

// A batch holds the UI thread for about this long at most and leaves the
// rest to the next turn of the event loop, after paint and input. Time,
// not a count of changes: a key costs microseconds, a range scattered
// through a 20,000-row folder costs a relayout, and a loaded machine (or a
// debug build) is slower at both.
constexpr int kSliceMs = 8;
// How often the clock is read while keying names.
constexpr int kNamesPerClockCheck = 32;
// Rows inserted or removed as one range at most: a first listing of
// 100,000 names goes in as a few ranges over a few turns, not one long one.
constexpr size_t kMaxRowsPerRange = 2000;
// A directory whose new rows are still being keyed waits for all of them
// (few ranges instead of many) — but, once it shows rows, never longer
// than this. A first listing always waits: its rows come in readdir's
// hash order, and partial inserts would interleave into many ranges.
constexpr qint64 kMaxHoldMs = 250;

} // namespace

void FileTreeModel::flush()
{
    m_flushTimer.stop();
    const QDeadlineTimer slice(kSliceMs, Qt::PreciseTimer);
    takeInbox(slice);
    const qint64 now = m_clock.elapsed();
    for (auto it = m_pending.begin(); it != m_pending.end() && !slice.hasExpired();) {
        Node *dir = find(it->first);
        if (!dir || !dir->listed) { // gone, or replaced by a new root
            it = m_pending.erase(it);
            continue;
        }
        const bool force = now - it->second.since > kMaxHoldMs && !dir->children.empty();
        if (applyChanges(dir, it->second, slice, force)) {
            dir->rowsPending = false;
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    m_firstPending = -1;
    if (hasPendingChanges()) {
        m_firstPending = m_clock.elapsed();
        m_flushTimer.start(0); // the rest on the next turn, after paint and input
    }
}

// Returns true when nothing is left for `dir`.
bool FileTreeModel::applyChanges(Node *dir, DirChanges &changes, const QDeadlineTimer &slice, bool force)
{
    sortNewNames(dir, changes, slice);
    if (!changes.unsorted.empty() && !force)
        return false;
    if (std::exchange(changes.walk, false))
        applyToShownRows(dir, changes);
    if (changes.removing)
        changes.removing = !removeLeavingRows(dir, changes, slice);
    if (!changes.removing && !slice.hasExpired())
        insertReadyRows(dir, changes, slice);
    return changes.byName.isEmpty();
}

// Removals, kind changes and new details of rows already shown: rows to
// go are marked (and removed a slice at a time), the rest applied now.
void FileTreeModel::applyToShownRows(Node *dir, DirChanges &changes)
{
    std::vector<Node *> changed;
    bool infoChanged = false;
    for (auto it = changes.byName.begin(); it != changes.byName.end();) {
        Node *n = dir->byName.value(it.key());
        Change &c = *it;
        const bool kindChanged = n && c.op == Change::Upsert && n->isDir() != (c.info.kind == FileKind::Directory);
        if (n && (c.op == Change::Remove || kindChanged)) {
            n->leaving = true; // a file that became a folder: the old row goes, a new one comes
            changes.removing = true;
            ++it;
            continue;
        }
        if (!n) {
            if (c.op != Change::Upsert) { // nothing to remove or refresh
                it = changes.byName.erase(it);
                continue;
            }
            if (!c.queued) { // its row went with a kind change
                c.queued = true;
                changes.unsorted.push_back(it.key());
            }
            ++it;
            continue;
        }
        n->leaving = false; // back again before its row went
        if (c.op == Change::Touch) {
            n->stale = true;
            n->detailsAsked = false;
        } else { // Upsert or Refresh of a shown row
            if (c.known) {
                n->info = std::exchange(c.info, {});
                n->info.name = it.key();
                infoChanged = true;
            }
            n->stale = !c.known;
        }
        changed.push_back(n);
        it = changes.byName.erase(it);
    }
    if (infoChanged && m_order.column() != Name)
        resort({ dir }); // a new size or time may move rows in that order
    announceChanged(dir, changed);
}

// Names that will need a row get their key and a node, oldest first, until
// the slice is spent; each slice's nodes are sorted and merged into
// `ready`, so no turn sorts them all. A name that has its row needs none.
void FileTreeModel::sortNewNames(Node *dir, DirChanges &changes, const QDeadlineTimer &slice)
{
    std::vector<std::unique_ptr<Node>> run;
    for (int seen = 0; !changes.unsorted.empty(); changes.unsorted.pop_front()) {
        if (++seen % kNamesPerClockCheck == 0 && slice.hasExpired())
            break;
        const QString &name = changes.unsorted.front();
        auto it = changes.byName.find(name);
        if (it == changes.byName.end())
            continue;
        if (it->op != Change::Upsert || dir->byName.contains(name)) {
            it->queued = false; // the walk takes it from here
            continue;
        }
        if (!it->key)
            it->key = m_order.keyFor(name);
        auto node = std::make_unique<Node>();
        node->info = it->info;
        node->info.name = name;
        node->key = it->key;
        node->parent = dir;
        run.push_back(std::move(node));
    }
    if (run.empty())
        return;
    auto before = [this](const std::unique_ptr<Node> &a, const std::unique_ptr<Node> &b) { return m_order.before(*a, *b); };
    std::sort(run.begin(), run.end(), before);
    const auto middle = changes.ready.size();
    changes.ready.insert(changes.ready.end(), std::make_move_iterator(run.begin()), std::make_move_iterator(run.end()));
    std::inplace_merge(changes.ready.begin(), changes.ready.begin() + qsizetype(middle), changes.ready.end(), before);
}

// Whether a ready node still stands for what is pending under its name:
// the change may have become a removal, been applied, or have moved the
// row elsewhere in the order (a new kind, size or time).
bool FileTreeModel::stillArriving(const Node *dir, const DirChanges &changes, const Node &node) const
{
    auto it = changes.byName.constFind(node.info.name);
    if (it == changes.byName.cend() || it->op != Change::Upsert || dir->byName.contains(node.info.name))
        return false;
    const FileInfo &now = it->info;
    return now.kind == node.info.kind && (m_order.column() != Size || now.size == node.info.size)
        && (m_order.column() != Modified || now.modified == node.info.modified);
}

// Runs of rows marked `leaving`, found from the bottom up (so no removal
// moves a row still to be looked at) and removed one range at a time while
// the slice lasts (one range at least). No sort: one pass over the rows.
// Returns true when none is left.
bool FileTreeModel::removeLeavingRows(Node *dir, DirChanges &changes, const QDeadlineTimer &slice)
{
    const QModelIndex parentIndex = indexFor(dir);
    bool removedAny = false;
    for (size_t end = dir->children.size(); end > 0;) {
        if (!dir->children[end - 1]->leaving) {
            --end;
            continue;
        }
        if (removedAny && slice.hasExpired())
            return false;
        size_t begin = end - 1; // [begin, end): one contiguous range
        while (begin > 0 && dir->children[begin - 1]->leaving && end - begin < kMaxRowsPerRange)
            --begin;
        beginRemoveRows(parentIndex, int(begin), int(end - 1));
        for (size_t r = begin; r < end; ++r) {
            Node *gone = dir->children[r];
            dir->byName.remove(gone->info.name);
            auto change = changes.byName.find(gone->info.name);
            if (change != changes.byName.end() && change->op == Change::Remove) {
                changes.byName.erase(change);
            } else if (change != changes.byName.end() && !change->queued) { // its kind changed: the new row comes once sorted
                change->queued = true;
                changes.unsorted.push_back(gone->info.name);
            }
            delete gone;
        }
        dir->children.erase(dir->children.begin() + qsizetype(begin), dir->children.begin() + qsizetype(end));
        dir->rowsMovedFrom(begin);
        endRemoveRows();
        removedAny = true;
        end = begin;
    }
    return true;
}

// From the end of `ready`: each range is the run of nodes that go to one
// place among the present rows, inserted bottom-up (the places of the rest
// stay right), while the slice lasts (one range at least).
void FileTreeModel::insertReadyRows(Node *dir, DirChanges &changes, const QDeadlineTimer &slice)
{
    auto &ready = changes.ready;
    const QModelIndex parentIndex = indexFor(dir);
    auto before = [this](const Node *a, const Node *b) { return m_order.before(*a, *b); };
    for (bool first = true; !ready.empty() && (first || !slice.hasExpired()); first = false) {
        std::vector<Node *> range; // bottom row first
        size_t pos = 0;
        while (!ready.empty() && range.size() < kMaxRowsPerRange) {
            Node *node = ready.back().get();
            if (!stillArriving(dir, changes, *node)) {
                auto change = changes.byName.find(node->info.name);
                if (change != changes.byName.end() && change->op == Change::Upsert && !dir->byName.contains(node->info.name)) {
                    change->queued = true; // placed again, by what it is now
                    changes.unsorted.push_back(node->info.name);
                }
                ready.pop_back();
                continue;
            }
            if (range.empty())
                pos = size_t(std::lower_bound(dir->children.begin(), dir->children.end(), node, before) - dir->children.begin());
            else if (pos > 0 && !before(dir->children[pos - 1], node))
                break; // goes above the row before this place: the next range
            const QString name = node->info.name;
            const Change &c = changes.byName[name];
            node->info = c.info; // the latest word, details included
            node->info.name = name;
            node->stale = !c.known;
            range.push_back(ready.back().release());
            ready.pop_back();
            changes.byName.remove(name);
        }
        if (range.empty())
            continue;
        std::reverse(range.begin(), range.end());
        beginInsertRows(parentIndex, int(pos), int(pos + range.size() - 1));
        for (Node *node : range)
            dir->byName.insert(node->info.name, node);
        dir->children.insert(dir->children.begin() + qsizetype(pos), range.begin(), range.end());
        dir->rowsMovedFrom(pos);
        endInsertRows();
    }
}

void FileTreeModel::announceChanged(Node *dir, const std::vector<Node *> &changed)
{
    if (changed.empty())
        return;
    std::vector<int> rows;
    rows.reserve(changed.size());
    for (Node *n : changed)
        rows.push_back(n->row());
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const QModelIndex parentIndex = indexFor(dir);
    for (size_t i = 0; i < rows.size();) {
        size_t j = i;
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1)
            ++j;
        Q_EMIT dataChanged(index(rows[i], 0, parentIndex), index(rows[j], ColumnCount - 1, parentIndex));
        i = j + 1;
    }
}

// Rows change places, none comes or goes: a layout change, with every
// persistent index (selection, expanded folders) following its row.
void FileTreeModel::resort(const QList<Node *> &dirs)
{
    auto before = [this](const Node *a, const Node *b) { return m_order.before(*a, *b); };
    QList<Node *> unsorted;
    for (Node *dir : dirs)
        if (!std::is_sorted(dir->children.begin(), dir->children.end(), before))
            unsorted.append(dir);
    if (unsorted.isEmpty())
        return;
    QList<QPersistentModelIndex> parents;
    for (Node *dir : std::as_const(unsorted))
        if (dir != m_root.get())
            parents.append(indexFor(dir));
    Q_EMIT layoutAboutToBeChanged(unsorted.contains(m_root.get()) ? QList<QPersistentModelIndex>() : parents,
                                  QAbstractItemModel::VerticalSortHint);
    const QModelIndexList old = persistentIndexList();
    for (Node *dir : std::as_const(unsorted)) {
        std::stable_sort(dir->children.begin(), dir->children.end(), before);
        dir->rowsMovedFrom(0);
    }
    QModelIndexList now;
    now.reserve(old.size());
    for (const QModelIndex &i : old)
        now.append(indexFor(nodeAt(i), i.column()));
    changePersistentIndexList(old, now);
    Q_EMIT layoutChanged(unsorted.contains(m_root.get()) ? QList<QPersistentModelIndex>() : parents, QAbstractItemModel::VerticalSortHint);
}

void FileTreeModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_order.column() && order == m_order.order())
        return;
    m_order.setColumn(column, order);
    for (auto &[path, changes] : m_pending) { // rows on their way are placed again
        for (const auto &node : changes.ready)
            changes.unsorted.push_back(node->info.name);
        changes.ready.clear();
    }
    QList<Node *> listed { m_root.get() };
    for (qsizetype i = 0; i < listed.size(); ++i)
        for (Node *c : listed[i]->children)
            if (c->isDir() && !c->children.empty())
                listed.append(c);
    resort(listed);
}

} // namespace paddock::ui
