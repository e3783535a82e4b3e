#include "file_tree_view.h"

#include <QDrag>
#include <QDropEvent>
#include <QMimeData>

namespace paddock::ui {

namespace {

QStringList localFiles(const QMimeData *mime)
{
    QStringList paths;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    return paths;
}

} // namespace

FileTreeView::FileTreeView(QWidget *parent) : QTreeView(parent)
{
    setAcceptDrops(true);
    viewport()->setAcceptDrops(true);
    setDropIndicatorShown(true);
    setDragDropMode(QAbstractItemView::DragDrop);
    setDefaultDropAction(Qt::CopyAction);
}

void FileTreeView::startDrag(Qt::DropActions)
{
    const QString host = hostCopyOf ? hostCopyOf(currentIndex()) : QString();
    if (host.isEmpty())
        return; // not fetched yet: nothing to hand to the desktop
    auto *mime = new QMimeData;
    mime->setUrls({ QUrl::fromLocalFile(host) });
    auto *drag = new QDrag(this);
    drag->setMimeData(mime);
    drag->exec(Qt::CopyAction);
}

void FileTreeView::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->source() == this)
        return; // our own drag going out, not files coming in
    if (!localFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void FileTreeView::dragMoveEvent(QDragMoveEvent *event)
{
    if (!localFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void FileTreeView::dropEvent(QDropEvent *event)
{
    const QStringList paths = localFiles(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    Q_EMIT filesDropped(indexAt(event->position().toPoint()), paths);
}

} // namespace paddock::ui
