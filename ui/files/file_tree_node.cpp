#include "file_tree_node.h"

#include <QLocale>

namespace paddock::ui {

namespace {

// Qt's collator compares plainly (no numeric mode) for the C locale, which
// is what a session with LANG=C or C.UTF-8 gets: natural order then needs
// a real locale's rules, and English ones order file names as people expect.
QLocale collationLocale()
{
    const QLocale system;
    return system.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : system;
}

template<typename T>
int threeWay(const T &a, const T &b)
{
    return a < b ? -1 : b < a ? 1 : 0;
}

} // namespace

FileOrder::FileOrder() : m_collator(collationLocale())
{
    m_collator.setNumericMode(true);
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
}

void FileOrder::setColumn(int column, Qt::SortOrder order)
{
    m_column = column;
    m_order = order;
}

// Folders stay first in either direction, as in every file manager.
bool FileOrder::before(const FileTreeNode &a, const FileTreeNode &b) const
{
    if (a.isDir() != b.isDir())
        return a.isDir();
    int c = 0;
    if (m_column == SizeColumn)
        c = threeWay(a.info.size, b.info.size);
    else if (m_column == ModifiedColumn)
        c = threeWay(a.info.modified, b.info.modified);
    if (c == 0)
        c = a.key->compare(*b.key);
    if (c == 0) // "a" and "A" collate alike: still two rows, in a fixed order
        c = a.info.name.compare(b.info.name);
    return m_order == Qt::AscendingOrder ? c < 0 : c > 0;
}

} // namespace paddock::ui
