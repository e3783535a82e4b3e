// FilesPage's actions on files: upload (menu or drop), save to the host,
// new folder, rename, delete. Each goes through the engine on its thread;
// the tree learns of the result from the watch, like any other change.
#include "files_page.h"
#include "plain_message_box.h"

#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>

namespace paddock::ui {

namespace {

QString joinPath(const QString &dir, const QString &name)
{
    return dir.endsWith(u'/') ? dir + name : dir + u'/' + name;
}

} // namespace

QString FilesPage::directoryFor(const QModelIndex &index) const
{
    if (!index.isValid())
        return m_model.rootPath();
    const QString path = m_model.pathOf(index);
    if (m_model.infoAt(index).kind == FileKind::Directory)
        return path;
    return path.left(path.lastIndexOf(u'/')).isEmpty() ? QStringLiteral("/") : path.left(path.lastIndexOf(u'/'));
}

void FilesPage::confirmRemove(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const QString path = m_model.pathOf(index);
    const bool folder = m_model.infoAt(index).kind == FileKind::Directory;
    const QString question = folder ? tr("Delete the folder %1 and everything in it?").arg(path) : tr("Delete %1?").arg(path);
    if (askPlain(this, folder ? tr("Delete folder") : tr("Delete file"), question))
        remove(path);
}

void FilesPage::reportFailure(const QString &what, const Result<void> &r)
{
    if (r)
        return;
    showNotice(what + QStringLiteral(": ") + r.error().message);
}

void FilesPage::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_tree->indexAt(pos);
    const QString path = index.isValid() ? m_model.pathOf(index) : QString();
    const bool isFile = index.isValid() && m_model.infoAt(index).kind == FileKind::File;
    QMenu menu(this);
    menu.addAction(tr("Upload files…"), this, [this, index] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Upload to %1").arg(directoryFor(index)));
        if (!files.isEmpty())
            upload(directoryFor(index), files);
    });
    if (isFile)
        menu.addAction(tr("Save to host…"), this, [this, path] {
            const QString target = QFileDialog::getSaveFileName(this, tr("Save %1").arg(path), QFileInfo(path).fileName());
            if (!target.isEmpty())
                saveToHost(path, target);
        });
    menu.addAction(tr("New folder…"), this, [this, index] {
        const QString name = QInputDialog::getText(this, tr("New folder"), tr("Name:"));
        if (!name.isEmpty())
            makeFolder(joinPath(directoryFor(index), name));
    });
    if (index.isValid()) {
        menu.addAction(tr("Rename…"), this, [this, path] {
            const QString name = QInputDialog::getText(this, tr("Rename"), tr("New name:"), QLineEdit::Normal, QFileInfo(path).fileName());
            if (!name.isEmpty())
                rename(path, joinPath(path.left(path.lastIndexOf(u'/')), name));
        });
        menu.addAction(tr("Delete…"), this, [this, index] { confirmRemove(index); });
    }
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

// Streamed off the UI thread, any size (files/file_transfers.h); the tree
// learns of each file from the watch once it is in place.
void FilesPage::upload(const QString &dirPath, const QStringList &hostPaths)
{
    for (const QString &host : hostPaths) {
        const QString target = joinPath(dirPath, QFileInfo(host).fileName());
        // The mode only: whether the host file is a file is the worker's to find out.
        const uint mode = uint(QFile::permissions(host) & QFileDevice::ExeOwner ? 0755 : 0644);
        m_transfers.upload(m_sandboxId, host, target, mode, [this, target](Result<void> r) {
            reportFailure(tr("Cannot upload to %1").arg(target), r);
        });
    }
}

void FilesPage::saveToHost(const QString &path, const QString &hostPath)
{
    m_transfers.download(m_sandboxId, path, hostPath, [this, hostPath](Result<void> r) {
        reportFailure(tr("Cannot save %1").arg(hostPath), r);
    });
}

void FilesPage::prepareDragOut(const QModelIndex &index)
{
    constexpr qint64 kMaxDragBytes = 64 * 1024 * 1024;
    const FileInfo info = m_model.infoAt(index);
    const QString path = m_model.pathOf(index);
    if (!index.isValid() || info.kind != FileKind::File || info.size > kMaxDragBytes || m_hostCopies.contains(path)
        || !m_dragOut.isValid())
        return;
    // One folder per copy, so the file keeps its own name on the desktop.
    const QString folder = m_dragOut.filePath(QString::number(qHash(path), 16));
    QDir().mkpath(folder);
    const QString host = folder + u'/' + QFileInfo(path).fileName();
    const int generation = m_generation;
    m_transfers.download(m_sandboxId, path, host, [this, path, host, generation](Result<void> r) {
        if (r && generation == m_generation)
            m_hostCopies.insert(path, host);
    });
}

void FilesPage::makeFolder(const QString &path)
{
    const QString id = m_sandboxId;
    m_engine.callAsync<void>([id, path](Engine &e, Callback<void> done) { e.makeDirectory(id, path, true, done); },
                             [this, path](Result<void> r) { reportFailure(tr("Cannot create %1").arg(path), r); });
}

void FilesPage::rename(const QString &from, const QString &to)
{
    const QString id = m_sandboxId;
    m_engine.callAsync<void>([id, from, to](Engine &e, Callback<void> done) { e.movePath(id, from, to, done); },
                             [this, from](Result<void> r) { reportFailure(tr("Cannot rename %1").arg(from), r); });
}

void FilesPage::remove(const QString &path)
{
    const QString id = m_sandboxId;
    m_engine.callAsync<void>([id, path](Engine &e, Callback<void> done) { e.removePath(id, path, true, done); },
                             [this, path](Result<void> r) { reportFailure(tr("Cannot delete %1").arg(path), r); });
}

} // namespace paddock::ui
