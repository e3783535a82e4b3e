// The Files tab's tree: one sandbox directory and what is below it, loaded
// lazily (a directory is listed when first expanded) and kept current by
// the watch's events — never a reset, so the view keeps its expansion,
// selection and scroll position.
//
// A flood (npm install, git clone: tens of thousands of events a second)
// must not drown the UI thread, so nothing is applied per event. Changes
// are collected per directory and applied in batches, as Dolphin does:
// ~16 ms after the last event and at most ~100 ms after the first, removals
// and insertions as sorted contiguous ranges, one dataChanged per run of
// changed rows. A batch stops after a time slice and goes on next turn, so
// no flood holds the UI thread for long. A directory nobody listed costs
// one lookup per event.
// Details a row shows (size, time) are asked for only when a row is painted
// (detailsWanted), not per event.
//
// The model does no I/O: it asks for listings (listingWanted) and details,
// and is fed listings, events and snapshots by its owner (FilesPage).
#pragma once

#include "file_icons.h"
#include "file_tree_node.h"

#include "paddock/file_watch.h"
#include "paddock/files.h"

#include <QAbstractItemModel>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTimer>

#include <deque>
#include <map>
#include <memory>

namespace paddock::ui {

class FileTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { Name = NameColumn, Size = SizeColumn, Modified = ModifiedColumn, ColumnCount = FileColumnCount };

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
    // Details asked for with detailsWanted; ignored if the path is gone.
    void updateInfo(const QString &path, const FileInfo &info);
    bool hasPendingChanges() const { return !m_pending.empty() || !m_inbox.isEmpty(); }

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void listingWanted(const QString &dirPath);
    // Shown rows whose size and time are not known since they changed.
    void detailsWanted(const QStringList &paths);

private:
    using Node = FileTreeNode;
    // What is to happen to one name in one directory, the last word kept.
    struct Change {
        enum Op { Upsert, Refresh, Touch, Remove } op = Upsert;
        FileInfo info;
        bool known = false; // info came from a listing or stat, not an event
        std::optional<QCollatorSortKey> key;
        bool queued = false; // Upsert: its name is in `unsorted` or `ready`
    };
    struct DirChanges {
        QHash<QString, Change> byName;
        // New rows on their way in: names to key (oldest first, a slice at
        // a time), then nodes kept in order, so rows go in as few ranges as
        // possible, a slice at a time, however many arrive.
        std::deque<QString> unsorted;
        std::vector<std::unique_ptr<Node>> ready; // in m_order
        bool walk = false; // removals or updates of shown rows to sort out
        bool removing = false; // rows marked `leaving`, not all removed yet
        qint64 since = 0; // m_clock time of the oldest change
    };

    Node *nodeAt(const QModelIndex &index) const;
    Node *find(const QString &path) const;
    QModelIndex indexFor(Node *node, int column = 0) const;
    struct DirLookup {
        QString path;
        Node *node = nullptr;
    };
    bool takeInbox(const QDeadlineTimer &slice);
    void applyEvent(const FileEvent &e, DirLookup &last);
    void record(Node *dir, const QString &dirPath, const QString &name, Change change);
    void scheduleFlush();
    // file_tree_updates.cpp: a directory's batch, as ranges, a slice at a time.
    void flush();
    bool applyChanges(Node *dir, DirChanges &changes, const QDeadlineTimer &slice, bool force);
    void applyToShownRows(Node *dir, DirChanges &changes);
    void sortNewNames(Node *dir, DirChanges &changes, const QDeadlineTimer &slice);
    bool removeLeavingRows(Node *dir, DirChanges &changes, const QDeadlineTimer &slice);
    void insertReadyRows(Node *dir, DirChanges &changes, const QDeadlineTimer &slice);
    bool stillArriving(const Node *dir, const DirChanges &changes, const Node &node) const;
    void announceChanged(Node *dir, const std::vector<Node *> &changed);
    void resort(const QList<Node *> &dirs);
    void requestDetails(Node *node) const;

    std::unique_ptr<Node> m_root;
    bool m_rootHeld = true; // until releaseRoot()
    FileOrder m_order;
    QList<FileEvent> m_inbox; // received, not yet taken in
    qsizetype m_inboxAt = 0;
    std::map<QString, DirChanges> m_pending; // by directory path
    QTimer m_flushTimer;
    QElapsedTimer m_clock;
    qint64 m_firstPending = -1;
    mutable QStringList m_detailsWanted; // asked by data(), sent on the next turn
    mutable QTimer m_detailsTimer;
    mutable FileIcons m_icons;
};

} // namespace paddock::ui
