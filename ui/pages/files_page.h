// Files tab: the sandbox's tree (files/file_tree_model.h) kept live by a
// watch, and a viewer/editor for the selected file — text (editable, saved
// back atomically), images, or a note for binary files. Saving over a file
// that changed in the sandbox since it was opened asks first.
#pragma once

#include "sandbox_page.h"

#include "engine_bridge.h"
#include "files/file_transfers.h"
#include "files/file_tree_model.h"
#include "files/file_tree_view.h"

#include <QHash>
#include <QPointer>
#include <QTemporaryDir>

#include <functional>

class QFrame;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace paddock::ui {

class FilesPage : public SandboxPage {
    Q_OBJECT
public:
    FilesPage(EngineBridge &engine, QWidget *parent = nullptr);
    ~FilesPage() override;
    QString title() const override { return tr("Files"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    FileTreeModel &model() { return m_model; }
    FileTreeView *tree() const { return m_tree; }
    QPlainTextEdit *editor() const { return m_editor; }
    QLabel *notice() const { return m_notice; }
    QWidget *conflictBar() const { return m_conflictBar; }
    QPushButton *saveButton() const { return m_save; }
    // Opens a file in the viewer, asking first if the open one has unsaved edits.
    void openFile(const QString &path);
    void save();
    // Saves; done(true) once the edits are in the sandbox.
    void save(std::function<void(bool)> done);
    bool hasUnsavedChanges() const;
    // Asks (Save / Discard / Cancel) when there are unsaved edits; true when
    // it is fine to show something else.
    bool confirmLeave() override;
    // Asks (naming it, default No) and deletes the file or folder at `index`.
    void confirmRemove(const QModelIndex &index);
    // files_page_actions.cpp: what the context menu and drops do.
    void upload(const QString &dirPath, const QStringList &hostPaths);
    void saveToHost(const QString &path, const QString &hostPath);
    void makeFolder(const QString &path);
    void rename(const QString &from, const QString &to);
    void remove(const QString &path);
    // The directory an action on `index` applies to: itself, or its parent.
    QString directoryFor(const QModelIndex &index) const;
    // A selected file's content, fetched to the host ahead of a drag out.
    void prepareDragOut(const QModelIndex &index);

private:
    void showRoot(const QString &path, bool keepEdits = false);
    void startWatch();
    void stopWatch();
    void list(const QString &dirPath);
    void onEvents(const QList<FileEvent> &events);
    void setUpTreeColumns();
    void fetchDetails(const QStringList &paths);
    void buildConflictBar();
    void buildActions();
    void buildTransferRow(QLayout *into);
    // files_page_editor.cpp
    void loadFile(const QString &path, bool keepView);
    void showContent(const QString &path, const FileHead &head, const FileInfo &info, bool keepView);
    void writeBack(const QString &path, const QByteArray &bytes, std::function<void(bool)> done);
    bool saveAndWait();
    void updateSaveEnabled();
    void openFileChanged(const FileEvent &e);
    void showConflict();
    void showContextMenu(const QPoint &pos);
    void reportFailure(const QString &what, const Result<void> &r);
    void showNotice(const QString &text);

    EngineBridge &m_engine;
    FileTreeModel m_model;
    FileTransfers m_transfers;
    QLineEdit *m_rootEdit;
    FileTreeView *m_tree;
    QStackedWidget *m_viewer;
    QPlainTextEdit *m_editor;
    QLabel *m_image;
    QLabel *m_notice;
    QPushButton *m_save;
    QFrame *m_conflictBar;
    QLabel *m_conflictText;
    QLabel *m_transferText;
    QProgressBar *m_transferBar;
    QString m_sandboxId;
    QPointer<FileWatch> m_watch; // lives on the engine thread
    int m_generation = 0; // answers for an older sandbox or root are dropped
    QTemporaryDir m_dragOut; // host copies for dragging files out
    QHash<QString, QString> m_hostCopies; // sandbox path → host copy, current as of its last change
    QString m_openPath;
    QString m_openSandbox; // whose file m_openPath is: its edits outlive a stop
    QDateTime m_openModified; // as the sandbox had it when opened or saved
    bool m_openPartial = false; // only its first kMaxViewBytes are shown
    bool m_saving = false; // our own write's events are not news
    int m_loadSerial = 0; // answers for an earlier open are dropped
};

} // namespace paddock::ui
