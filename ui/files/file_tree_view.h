// The Files tab's tree view: accepts files dropped from the desktop (a file
// manager's drag) and says where they should go.
#pragma once

#include <QTreeView>

namespace paddock::ui {

class FileTreeView : public QTreeView {
    Q_OBJECT
public:
    explicit FileTreeView(QWidget *parent = nullptr);

Q_SIGNALS:
    // Host files dropped on `target` (a directory, a file in one, or the
    // empty area for the root).
    void filesDropped(const QModelIndex &target, const QStringList &hostPaths);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
};

} // namespace paddock::ui
