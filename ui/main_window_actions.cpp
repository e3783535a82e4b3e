// MainWindow's actions on sandboxes: each marks the row with what is in
// flight (starting…), so the list, the actions and the placeholders say so
// until the engine answers, and a failure shows on the row.
#include "main_window.h"
#include "plain_message_box.h"

#include "pages/terminals_page.h"
#include "terminal/terminal_view.h"
#include "window/close_policy.h"
#include "window/sandbox_actions.h"

#include <QClipboard>
#include <QCloseEvent>
#include <QGuiApplication>
#include <QStatusBar>
#include <QTabWidget>

namespace paddock::ui {

void MainWindow::createSandbox(const QString &name)
{
    statusBar()->showMessage(
        name.isEmpty() ? tr("Creating a sandbox…") : tr("Creating sandbox %1…").arg(name));
    m_engine.call<SandboxInfo>([name](Engine &e) { return e.createSandbox({ name }); },
        [this](Result<SandboxInfo> sb) {
            if (!sb) return report(tr("create a sandbox"), sb.error());
            statusBar()->showMessage(tr("Sandbox %1 is running").arg(sb->name), 5000);
            m_model.upsert(*sb); // the engine's signal may come later than this answer
            selectSandbox(sb->id);
        });
}

void MainWindow::createFirstSandbox()
{
    statusBar()->showMessage(tr("Creating your first sandbox…"));
    m_engine.call<SandboxInfo>([](Engine &e) { return e.createSandbox({}); },
        [this](Result<SandboxInfo> sb) {
            if (!sb) return report(tr("create a sandbox"), sb.error());
            statusBar()->showMessage(
                tr("Sandbox %1 is running: its terminal is ready").arg(sb->name), 5000);
            m_model.upsert(*sb);
            selectSandbox(sb->id);
            focusTerminalPage();
        });
}

void MainWindow::focusTerminalPage()
{
    auto *terminals = findChild<TerminalsPage *>();
    if (!terminals) return;
    m_tabs->setCurrentWidget(terminals);
    // Focus only takes on a shown widget: after the tab switch, not before.
    if (TerminalView *view = terminals->currentTerminal())
        view->focusTerminal();
    else
        terminals->openTerminal();
}

void MainWindow::openTerminalForSelected()
{
    if (auto sb = selectedSandbox(); sb && sb->state == SandboxState::Running) focusTerminalPage();
}

void MainWindow::copySelectedId()
{
    if (auto sb = selectedSandbox()) {
        QGuiApplication::clipboard()->setText(sb->id);
        statusBar()->showMessage(tr("Copied the ID of %1").arg(sb->name), 3000);
    }
}

void MainWindow::startSelected()
{
    auto sb = selectedSandbox();
    if (!sb || !m_actions->start->isEnabled()) return;
    statusBar()->showMessage(tr("Starting %1…").arg(sb->name));
    markActivity(sb->id, SandboxActivity::Starting);
    m_engine.call<SandboxInfo>([id = sb->id](Engine &e) { return e.startSandbox(id); },
        [this, id = sb->id](Result<SandboxInfo> r) {
            if (!r) {
                markActivity(id, SandboxActivity::Failed, &r.error());
                return report(tr("start the sandbox"), r.error());
            }
            m_model.upsert(*r);
            markActivity(id, SandboxActivity::None);
            showSelection();
            statusBar()->showMessage(tr("Sandbox %1 is running").arg(r->name), 5000);
        });
}

void MainWindow::stopSelected()
{
    auto sb = selectedSandbox();
    if (!sb || !m_actions->stop->isEnabled()) return;
    if (!confirmLeavePages()) return; // the pages empty when it stops: unsaved edits ask first
    statusBar()->showMessage(tr("Stopping %1…").arg(sb->name));
    markActivity(sb->id, SandboxActivity::Stopping);
    m_engine.callAsync<SandboxInfo>(
        [id = sb->id](Engine &e, Callback<SandboxInfo> done) { e.stopSandbox(id, done); },
        [this, id = sb->id](Result<SandboxInfo> r) {
            if (!r) {
                markActivity(id, SandboxActivity::Failed, &r.error());
                return report(tr("stop the sandbox"), r.error());
            }
            m_model.upsert(*r);
            markActivity(id, SandboxActivity::None);
            showSelection();
            statusBar()->showMessage(tr("Sandbox %1 stopped").arg(r->name), 5000);
        });
}

void MainWindow::restartSelected()
{
    auto sb = selectedSandbox();
    if (!sb || !m_actions->restart->isEnabled()) return;
    if (!confirmLeavePages()) return; // the pages empty when it stops: unsaved edits ask first
    statusBar()->showMessage(tr("Restarting %1…").arg(sb->name));
    markActivity(sb->id, SandboxActivity::Restarting);
    const QString id = sb->id;
    m_engine.callAsync<SandboxInfo>(
        [id](Engine &e, Callback<SandboxInfo> done) {
            e.stopSandbox(id, [&e, id, done](Result<SandboxInfo> stopped) {
                done(stopped ? e.startSandbox(id) : stopped);
            });
        },
        [this, id](Result<SandboxInfo> r) {
            if (!r) {
                markActivity(id, SandboxActivity::Failed, &r.error());
                return report(tr("restart the sandbox"), r.error());
            }
            m_model.upsert(*r);
            markActivity(id, SandboxActivity::None);
            showSelection();
            statusBar()->showMessage(tr("Sandbox %1 restarted").arg(r->name), 5000);
        });
}

void MainWindow::removeSelected()
{
    auto sb = selectedSandbox();
    if (!sb || !m_actions->remove->isEnabled()) return;
    if (!askPlain(this, tr("Delete sandbox"),
            tr("Delete sandbox '%1' and all its files? Running processes are killed.")
                .arg(sb->name)))
        return;
    markActivity(sb->id, SandboxActivity::Deleting);
    m_engine.callAsync<void>(
        [id = sb->id](Engine &e, Callback<void> done) { e.removeSandbox(id, true, done); },
        [this, id = sb->id, name = sb->name](Result<void> r) {
            if (!r) {
                markActivity(id, SandboxActivity::Failed, &r.error());
                return report(tr("delete the sandbox"), r.error());
            }
            m_model.remove(id);
            statusBar()->showMessage(tr("Sandbox %1 deleted").arg(name), 5000);
        });
}

void MainWindow::renameSelected(const QString &newName)
{
    auto sb = selectedSandbox();
    if (!sb || !m_actions->rename->isEnabled()) return;
    m_engine.call<SandboxInfo>(
        [id = sb->id, newName](Engine &e) { return e.renameSandbox(id, newName); },
        [this](Result<SandboxInfo> r) {
            if (!r) report(tr("rename the sandbox"), r.error());
        });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!m_closeDecided && !confirmLeavePages()) // unsaved work (Files) first
        return event->ignore();
    int running = 0;
    for (int row = 0; row < m_model.rowCount(); ++row)
        running += m_model.sandboxAt(row)->state == SandboxState::Running;
    if (m_closeDecided || running == 0) return event->accept();
    CloseAction action = savedCloseAction();
    if (action == CloseAction::Ask) {
        auto chosen = askCloseAction(this, running);
        if (!chosen) return event->ignore();
        action = *chosen;
    }
    if (action == CloseAction::KeepRunning) return event->accept();
    event->ignore(); // closes once every sandbox has stopped
    stopAllThenClose();
}

void MainWindow::stopAllThenClose()
{
    QStringList ids;
    for (int row = 0; row < m_model.rowCount(); ++row)
        if (m_model.sandboxAt(row)->state == SandboxState::Running)
            ids.append(m_model.sandboxAt(row)->id);
    statusBar()->showMessage(
        tr("Stopping %n sandbox(es) before quitting…", nullptr, int(ids.size())));
    centralWidget()->setEnabled(false);
    auto left = std::make_shared<int>(int(ids.size()));
    for (const QString &id : std::as_const(ids)) {
        markActivity(id, SandboxActivity::Stopping);
        m_engine.callAsync<SandboxInfo>(
            [id](Engine &e, Callback<SandboxInfo> done) { e.stopSandbox(id, done); },
            [this, id, left](Result<SandboxInfo> r) {
                // A sandbox that would not stop keeps running: say so, still quit.
                if (!r)
                    qWarning(
                        "could not stop %s: %s", qPrintable(id), qPrintable(r.error().message));
                markActivity(id, SandboxActivity::None);
                if (--*left == 0) {
                    m_closeDecided = true;
                    close();
                }
            });
    }
}

} // namespace paddock::ui
