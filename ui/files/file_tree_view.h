// The Files tab's tree view: accepts files dropped from the desktop (a file
// manager's drag) and says where they should go, and lets a file be dragged
// out to the desktop once its content is on the host (see FilesPage: a
// selected file is fetched ahead, since a drag cannot wait for the engine).
#pragma once

#include <QTreeView>

#include <functional>

namespace paddock::ui {

class FileTreeView : public QTreeView {
    Q_OBJECT
public:
    explicit FileTreeView(QWidget *parent = nullptr);

    // The host copy of a row's file, if it is ready; empty when not (yet).
    std::function<QString(const QModelIndex &)> hostCopyOf;

Q_SIGNALS:
    // Host files dropped on `target` (a directory, a file in one, or the
    // empty area for the root).
    void filesDropped(const QModelIndex &target, const QStringList &hostPaths);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void startDrag(Qt::DropActions supportedActions) override;
};

} // namespace paddock::ui
