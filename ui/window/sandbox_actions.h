// The actions on sandboxes, shared by the toolbar, the Sandbox menu and the
// list's context menu, each enabled by the selected sandbox's state: Start
// only when stopped, Stop only when running, nothing while a call is in flight.
#pragma once

#include "sandbox_status.h"

#include <QObject>

#include <optional>

class QAction;
class QWidget;

namespace paddock::ui {

class SandboxActions : public QObject {
    Q_OBJECT
    QWidget *const m_scope; // first: the actions below are made into it

public:
    // Sandbox actions answer their keys only inside scope (the sandbox list):
    // a terminal with focus gets Ctrl+R and Ctrl+N, and Delete in the Files
    // tab never reaches for the whole sandbox. Menus still show the keys.
    explicit SandboxActions(QWidget *scope);

    // Nullopt when no row is selected.
    void updateFor(std::optional<SandboxStatus> selected);

    QAction *const newSandbox;
    QAction *const start;
    QAction *const stop;
    QAction *const restart;
    QAction *const rename;
    QAction *const remove;
    QAction *const openTerminal;
    // Spawns a background process in the selected sandbox. The Processes tab
    // owns the dialog: connect triggered() to ProcessesPage::runCommand().
    QAction *const runCommand;
    QAction *const copyId;

private:
    QAction *make(
        const QString &text, const QString &objectName, const QIcon &icon, const QKeySequence &key);
};

} // namespace paddock::ui
