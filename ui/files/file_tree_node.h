// One entry of the Files tree (FileTreeModel's private structure) and the
// order rows are kept in: folders first, then by the sorted column, with
// names compared naturally ("file2" before "file10", as Dolphin and
// Nautilus show them).
#pragma once

#include "paddock/file_watch.h"
#include "paddock/files.h"

#include <QCollator>
#include <QHash>
#include <QtAlgorithms>

#include <memory>
#include <optional>
#include <vector>

namespace paddock::ui {

enum FileColumn { NameColumn, SizeColumn, ModifiedColumn, FileColumnCount };

struct FileTreeNode {
    FileInfo info; // info.name: this entry's name
    // Computed once per name, off the comparisons' path: a collator's
    // compare() costs microseconds, a sort key's a memcmp.
    std::optional<QCollatorSortKey> key;
    FileTreeNode *parent = nullptr;
    // In FileOrder; owned. Plain pointers, so that moving rows about for a
    // ranged insert or removal is one memmove, even in a debug build.
    std::vector<FileTreeNode *> children;
    QHash<QString, FileTreeNode *> byName; // of children: events name them
    bool listed = false;
    bool listing = false;
    bool rowsPending = false; // listed, its rows on their way in the next batch
    QList<FileEvent> heldEvents; // for this directory, while its listing is on its way
    bool stale = false; // details (size, time) not known since it changed
    bool detailsAsked = false;
    bool leaving = false; // its row goes in a batch still being applied

    FileTreeNode() = default;
    FileTreeNode(const FileTreeNode &) = delete;
    FileTreeNode &operator=(const FileTreeNode &) = delete;
    ~FileTreeNode() { qDeleteAll(children); }

    bool isDir() const { return info.kind == FileKind::Directory; }
    // Rows are renumbered lazily: a batch that inserts or removes many
    // ranges renumbers once, when a row is next asked for.
    int row() const
    {
        if (parent && parent->m_dirtyFrom < parent->children.size())
            parent->renumber();
        return m_row;
    }
    void rowsMovedFrom(size_t first) { m_dirtyFrom = std::min(m_dirtyFrom, first); }

private:
    void renumber() const
    {
        for (size_t i = m_dirtyFrom; i < children.size(); ++i)
            children[i]->m_row = int(i);
        m_dirtyFrom = size_t(-1);
    }
    mutable int m_row = 0;
    mutable size_t m_dirtyFrom = size_t(-1);
};

class FileOrder {
public:
    FileOrder();
    void setColumn(int column, Qt::SortOrder order);
    int column() const { return m_column; }
    Qt::SortOrder order() const { return m_order; }
    QCollatorSortKey keyFor(const QString &name) const { return m_collator.sortKey(name); }
    bool before(const FileTreeNode &a, const FileTreeNode &b) const;

private:
    QCollator m_collator; // built once: constructing one loads ICU data
    int m_column = 0;
    Qt::SortOrder m_order = Qt::AscendingOrder;
};

} // namespace paddock::ui
