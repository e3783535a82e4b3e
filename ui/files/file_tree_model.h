// The Files tab's tree: one sandbox directory and what is below it, loaded
// lazily (a directory is listed when first expanded) and kept current by
// the watch's events — single-row inserts, removals and renames, never a
// reset, so the view keeps its expansion, selection and scroll position.
//
// The model does no I/O: it asks for listings (listingWanted) and is fed
// listings, events and snapshots by its owner (FilesPage).
#pragma once

#include "paddock/file_watch.h"
#include "paddock/files.h"

#include <QAbstractItemModel>

#include <memory>
#include <vector>

namespace paddock::ui {

class FileTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Name, Size, Modified, ColumnCount };

    explicit FileTreeModel(QObject *parent = nullptr);
    ~FileTreeModel() override;

    // Empties the model and roots it at `path` (absolute, in the sandbox).
    // The root is not listed until releaseRoot(): its owner says when the
    // tree's watch is in place, so no change falls between the listing and
    // the first event (a view asks for the listing as soon as it can).
    void setRoot(const QString &path);
    void releaseRoot();
    QString rootPath() const;
    QString pathOf(const QModelIndex &index) const;
    QModelIndex indexOf(const QString &path) const; // invalid unless loaded
    FileInfo infoAt(const QModelIndex &index) const;

    // A listing asked for with listingWanted (or a fresh one for a loaded
    // directory): rows are inserted or removed to match it.
    void setListing(const QString &dirPath, const QList<FileInfo> &entries);
    void listingFailed(const QString &dirPath);
    void applyEvents(const QList<FileEvent> &events);
    // After lost events: every loaded directory is brought in line.
    void applySnapshot(const TreeSnapshot &snapshot);
    void updateInfo(const QString &path, const FileInfo &info);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void listingWanted(const QString &dirPath);

private:
    struct Node;
    Node *nodeAt(const QModelIndex &index) const;
    Node *find(const QString &path) const;
    QModelIndex indexFor(Node *node, int column = 0) const;
    void insertChild(Node *parent, const FileInfo &info);
    void removeChild(Node *parent, int row);
    void applyEvent(const FileEvent &e);

    std::unique_ptr<Node> m_root;
    bool m_rootHeld = true; // until releaseRoot()
};

} // namespace paddock::ui
