#include "sandbox_actions.h"

#include "theme/icons.h"

#include <QAction>
#include <QWidget>

namespace paddock::ui {

SandboxActions::SandboxActions(QWidget *scope)
    : QObject(scope)
    , m_scope(scope)
    , newSandbox(make(tr("New sandbox…"), QStringLiteral("newSandboxAction"),
          themedIcon(QStringLiteral("list-add"), QStringLiteral("new")), QKeySequence::New))
    , start(make(tr("Start"), QStringLiteral("startAction"),
          themedIcon(QStringLiteral("media-playback-start"), QStringLiteral("start")),
          QKeySequence(Qt::CTRL | Qt::Key_R)))
    , stop(make(tr("Stop"), QStringLiteral("stopAction"),
          themedIcon(QStringLiteral("media-playback-stop"), QStringLiteral("stop")),
          QKeySequence(Qt::CTRL | Qt::Key_Period)))
    , restart(make(tr("Restart"), QStringLiteral("restartAction"),
          themedIcon(QStringLiteral("view-refresh"), QStringLiteral("restart")),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R)))
    , rename(make(tr("Rename…"), QStringLiteral("renameAction"),
          themedIcon(QStringLiteral("edit-rename"), QStringLiteral("rename")),
          QKeySequence(Qt::Key_F2)))
    , remove(make(tr("Delete…"), QStringLiteral("deleteAction"),
          themedIcon(QStringLiteral("edit-delete"), QStringLiteral("delete")),
          QKeySequence::Delete))
    , openTerminal(make(tr("Open terminal"), QStringLiteral("openTerminalAction"),
          themedIcon(QStringLiteral("utilities-terminal"), QStringLiteral("terminal")),
          QKeySequence(Qt::CTRL | Qt::Key_T)))
    , runCommand(make(tr("Run command…"), QStringLiteral("runCommandAction"), QIcon(),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)))
    , copyId(make(tr("Copy ID"), QStringLiteral("copyIdAction"),
          themedIcon(QStringLiteral("edit-copy"), QStringLiteral("copy")),
          QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)))
{
    newSandbox->setToolTip(tr("Create and start a new sandbox (%1)")
                               .arg(newSandbox->shortcut().toString(QKeySequence::NativeText)));
    newSandbox->setIconText(tr("New"));
    updateFor(std::nullopt);
}

QAction *SandboxActions::make(
    const QString &text, const QString &objectName, const QIcon &icon, const QKeySequence &key)
{
    auto *action = new QAction(icon, text, this);
    action->setObjectName(objectName);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QString plain = text;
    plain.remove(QStringLiteral("…"));
    action->setIconText(plain);
    action->setToolTip(
        QStringLiteral("%1 (%2)").arg(plain, key.toString(QKeySequence::NativeText)));
    m_scope->addAction(action);
    return action;
}

void SandboxActions::updateFor(std::optional<SandboxStatus> selected)
{
    const bool any = selected.has_value();
    const bool busy = any && isTransition(*selected);
    // An error row has no known better state: offer both, the engine decides.
    const bool running
        = any && (*selected == SandboxStatus::Running || *selected == SandboxStatus::Error);
    const bool stopped
        = any && (*selected == SandboxStatus::Stopped || *selected == SandboxStatus::Error);
    start->setEnabled(stopped && !busy);
    stop->setEnabled(running && !busy);
    restart->setEnabled(running && !busy);
    rename->setEnabled(any && !busy);
    remove->setEnabled(any && *selected != SandboxStatus::Deleting);
    openTerminal->setEnabled(running && !busy);
    runCommand->setEnabled(running && !busy);
    copyId->setEnabled(any);
}

} // namespace paddock::ui
