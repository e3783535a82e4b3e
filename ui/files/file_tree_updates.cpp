// FileTreeModel's batches: what piled up per directory becomes sorted,
// contiguous row ranges (removed bottom-up, inserted bottom-up, so no range
// moves another's rows) and one dataChanged per run of changed rows.
#include "file_tree_model.h"

#include <algorithm>

namespace paddock::ui {

namespace {

// A batch does at most this much work — a sort key for a new row (a few
// µs), a removed row — and leaves the rest to the next turn of the event
// loop, after paint and input: no batch holds the UI thread for long,
// however large the flood, even on a loaded machine.
constexpr int kMaxWorkPerFlush = 1000;
// A directory whose new rows are still being keyed waits for all of them
// (one range instead of many) — but, once it shows rows, never longer
// than this. A first listing always waits: its rows come in readdir's
// hash order, and partial inserts would interleave into many ranges.
constexpr qint64 kMaxHoldMs = 250;

} // namespace

void FileTreeModel::flush()
{
    m_flushTimer.stop();
    int budget = kMaxWorkPerFlush;
    const qint64 now = m_clock.elapsed();
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        Node *dir = find(it.key());
        if (!dir || !dir->listed) { // gone, or replaced by a new root
            it = m_pending.erase(it);
            continue;
        }
        const bool force = now - it->since > kMaxHoldMs && !dir->children.empty();
        if (applyChanges(dir, *it, budget, force)) {
            dir->rowsPending = false;
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    m_firstPending = -1;
    if (!m_pending.isEmpty()) {
        m_firstPending = m_clock.elapsed();
        m_flushTimer.start(0); // the rest on the next turn, after paint and input
    }
}

// Returns true when nothing is left for `dir`.
bool FileTreeModel::applyChanges(Node *dir, DirChanges &changes, int &budget, bool force)
{
    std::vector<int> gone;
    std::vector<Node *> changed;
    bool infoChanged = false;
    for (auto it = changes.byName.begin(); it != changes.byName.end();) {
        Node *n = dir->byName.value(it.key());
        Change &c = *it;
        const bool kindChanged = n && c.op == Change::Upsert && n->isDir() != (c.info.kind == FileKind::Directory);
        if (n && (c.op == Change::Remove || kindChanged)) {
            if (budget <= 0) {
                ++it;
                continue;
            }
            --budget;
            gone.push_back(n->row());
            if (!kindChanged) {
                it = changes.byName.erase(it);
                continue;
            }
            n = nullptr; // a file became a folder: the old row goes, a new one comes
        }
        if (n && c.op == Change::Touch) {
            n->stale = true;
            n->detailsAsked = false;
            changed.push_back(n);
        } else if (n) { // Upsert or Refresh of a shown row
            if (c.known) {
                n->info = std::exchange(c.info, {});
                n->info.name = it.key();
                infoChanged = true;
            }
            n->stale = !c.known;
            changed.push_back(n);
        } else if (c.op == Change::Upsert) {
            if (!c.key && budget > 0) {
                c.key = m_order.keyFor(it.key());
                --budget;
            }
            ++it;
            continue; // inserted below, once keyed
        }
        it = changes.byName.erase(it);
    }
    removeRows(dir, std::move(gone));
    if (infoChanged && m_order.column() != Name)
        resort({ dir }); // a new size or time may move rows in that order
    announceChanged(dir, changed);

    const bool allKeyed = std::all_of(changes.byName.cbegin(), changes.byName.cend(), [](const Change &c) { return c.op != Change::Upsert || c.key.has_value(); });
    if (!allKeyed && !force)
        return false;
    std::vector<Node *> fresh; // owned until inserted, just below
    for (auto it = changes.byName.begin(); it != changes.byName.end();) {
        if (!it->key || dir->byName.contains(it.key())) {
            ++it;
            continue;
        }
        auto *node = new Node;
        node->info = std::move(it->info);
        node->info.name = it.key();
        node->key = std::move(it->key);
        node->stale = !it->known;
        node->parent = dir;
        fresh.push_back(node);
        it = changes.byName.erase(it);
    }
    insertNodes(dir, std::move(fresh));
    return changes.byName.isEmpty();
}

void FileTreeModel::removeRows(Node *dir, std::vector<int> rows)
{
    if (rows.empty())
        return;
    std::sort(rows.begin(), rows.end(), std::greater<>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    const QModelIndex parentIndex = indexFor(dir);
    for (size_t i = 0; i < rows.size();) {
        size_t j = i; // rows[i] down to rows[j]: one contiguous range
        while (j + 1 < rows.size() && rows[j + 1] == rows[j] - 1)
            ++j;
        const int first = rows[j], last = rows[i];
        beginRemoveRows(parentIndex, first, last);
        for (int r = first; r <= last; ++r) {
            dir->byName.remove(dir->children[size_t(r)]->info.name);
            delete dir->children[size_t(r)];
        }
        dir->children.erase(dir->children.begin() + first, dir->children.begin() + last + 1);
        dir->rowsMovedFrom(size_t(first));
        endRemoveRows();
        i = j + 1;
    }
}

void FileTreeModel::insertNodes(Node *dir, std::vector<Node *> fresh)
{
    if (fresh.empty())
        return;
    auto before = [this](const Node *a, const Node *b) { return m_order.before(*a, *b); };
    std::sort(fresh.begin(), fresh.end(), before);
    // Where each new row goes among the present ones; runs that go to the
    // same place are one range. Inserted from the bottom up, so the places
    // found above stay right.
    std::vector<size_t> at(fresh.size());
    for (size_t i = 0; i < fresh.size(); ++i)
        at[i] = size_t(std::lower_bound(dir->children.begin(), dir->children.end(), fresh[i], before) - dir->children.begin());
    const QModelIndex parentIndex = indexFor(dir);
    for (size_t end = fresh.size(); end > 0;) {
        size_t begin = end - 1;
        while (begin > 0 && at[begin - 1] == at[end - 1])
            --begin;
        const size_t pos = at[begin];
        beginInsertRows(parentIndex, int(pos), int(pos + end - begin - 1));
        for (size_t i = begin; i < end; ++i)
            dir->byName.insert(fresh[i]->info.name, fresh[i]);
        dir->children.insert(dir->children.begin() + qsizetype(pos), fresh.begin() + qsizetype(begin), fresh.begin() + qsizetype(end));
        dir->rowsMovedFrom(pos);
        endInsertRows();
        end = begin;
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
    QList<Node *> listed { m_root.get() };
    for (qsizetype i = 0; i < listed.size(); ++i)
        for (Node *c : listed[i]->children)
            if (c->isDir() && !c->children.empty())
                listed.append(c);
    resort(listed);
}

} // namespace paddock::ui
