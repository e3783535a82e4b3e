// What can be done to the selected background process — from its context
// menu, and enabled by its state: kill (SIGTERM), force kill (SIGKILL,
// after asking), restart (the same command, directory and environment),
// and copying its command or ID.
#pragma once

#include "paddock/process.h"

#include <QObject>

#include <optional>

class QAction;
class QMenu;
class QWidget;

namespace paddock::ui {

class EngineBridge;

class ProcessActions : public QObject {
    Q_OBJECT
public:
    // Questions and errors show over `parent`.
    ProcessActions(EngineBridge &engine, QWidget *parent);

    void setProcess(const std::optional<ProcessInfo> &process); // the selected one
    QMenu *menu() const { return m_menu; }

    QAction *kill() const { return m_kill; }
    QAction *forceKill() const { return m_forceKill; }
    QAction *restart() const { return m_restart; }
    QAction *copyCommand() const { return m_copyCommand; }
    QAction *copyId() const { return m_copyId; }

    // The command as a line a POSIX shell reads back as the same arguments.
    static QString shellQuoted(const QStringList &argv);

Q_SIGNALS:
    void restarted(const paddock::ProcessInfo &fresh);

private:
    void sendSignal(int signal);
    void doForceKill();
    void doRestart();

    EngineBridge &m_engine;
    QWidget *m_parent;
    QMenu *m_menu;
    QAction *m_kill;
    QAction *m_forceKill;
    QAction *m_restart;
    QAction *m_copyCommand;
    QAction *m_copyId;
    std::optional<ProcessInfo> m_process;
};

} // namespace paddock::ui
