#include "file_icons.h"

#include <QApplication>
#include <QStyle>

namespace paddock::ui {

namespace {

constexpr qsizetype kMaxSuffixes = 1024;

// What a name's type is guessed from: its extension, or the whole name
// for "Makefile", "Dockerfile" and the like.
QString suffixKey(const QString &name)
{
    const qsizetype dot = name.lastIndexOf(u'.');
    return dot > 0 ? name.mid(dot).toLower() : name;
}

QIcon styleIcon(QStyle::StandardPixmap which) { return QApplication::style()->standardIcon(which); }

} // namespace

QIcon FileIcons::iconFor(const FileInfo &info)
{
    // Made once: a style's icon decodes its images afresh each time it is
    // asked for, and a view lays out and paints folders all the time.
    if (info.kind == FileKind::Directory) {
        if (m_folder.isNull())
            m_folder = QIcon::fromTheme(QStringLiteral("folder"), styleIcon(QStyle::SP_DirIcon));
        return m_folder;
    }
    if (info.kind == FileKind::Symlink) {
        if (m_symlink.isNull())
            m_symlink = QIcon::fromTheme(QStringLiteral("emblem-symbolic-link"), styleIcon(QStyle::SP_FileLinkIcon));
        return m_symlink;
    }
    const QString key = suffixKey(info.name);
    auto known = m_mimeBySuffix.constFind(key);
    if (known == m_mimeBySuffix.constEnd()) {
        if (m_mimeBySuffix.size() >= kMaxSuffixes)
            m_mimeBySuffix.clear(); // a sandbox making endless extensions gets lookups, not memory
        known = m_mimeBySuffix.insert(key, m_mimes.mimeTypeForFile(info.name, QMimeDatabase::MatchExtension).name());
    }
    return themed(*known);
}

QIcon FileIcons::themed(const QString &mimeName)
{
    auto cached = m_byMime.constFind(mimeName);
    if (cached != m_byMime.constEnd())
        return *cached;
    const QMimeType type = m_mimes.mimeTypeForName(mimeName);
    QIcon icon = QIcon::fromTheme(type.iconName());
    if (icon.isNull())
        icon = QIcon::fromTheme(type.genericIconName());
    if (icon.isNull())
        icon = styleIcon(QStyle::SP_FileIcon);
    return *m_byMime.insert(mimeName, icon);
}

} // namespace paddock::ui
