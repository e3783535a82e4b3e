// Icons for the Files tree: the desktop's icon theme by MIME type (guessed
// from the name alone — no file is opened for a row), a style icon where
// the theme has none. Computed for painted rows only and cached, so a
// directory of 20,000 files costs one lookup per type shown.
#pragma once

#include "paddock/files.h"

#include <QHash>
#include <QIcon>
#include <QMimeDatabase>

namespace paddock::ui {

class FileIcons {
public:
    QIcon iconFor(const FileInfo &info);

private:
    QIcon themed(const QString &mimeName);

    QMimeDatabase m_mimes;
    QIcon m_folder;
    QIcon m_symlink;
    QHash<QString, QIcon> m_byMime; // bounded by the MIME database
    QHash<QString, QString> m_mimeBySuffix; // names are the sandbox's: bounded below
};

} // namespace paddock::ui
