// Processes tab: the sandbox's background processes (filtered, sorted),
// the live log of the selected one, what can be done to it (Kill button,
// context menu), and "Run command…" to start a new one.
#pragma once

#include "sandbox_page.h"

#include "engine_bridge.h"
#include "process_list_model.h"

class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace paddock::ui {

class LogView;
class ProcessActions;
class ProcessFilterModel;

class ProcessesPage : public SandboxPage {
    Q_OBJECT
public:
    ProcessesPage(EngineBridge &engine, QWidget *parent = nullptr);
    ~ProcessesPage() override;
    QString title() const override { return tr("Processes"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    ProcessListModel &model() { return m_model; }
    ProcessFilterModel &shown() { return *m_shown; }
    LogView *log() const { return m_log; }
    QPlainTextEdit *logView() const;
    QTableView *table() const { return m_table; }
    QLineEdit *filterEdit() const { return m_filter; }
    QPushButton *runCommandButton() const { return m_runCommand; }
    ProcessActions &actions() { return *m_actions; }
    std::optional<ProcessInfo> currentProcess() const;
    void selectProcess(const QString &procId);

public Q_SLOTS:
    // Opens the "Run command…" dialog; the process it starts is selected
    // and its log followed. Does nothing while the sandbox is not running.
    void runCommand();

private:
    void selectionMoved();
    void spawn(const QStringList &argv, const QString &directory);
    void updateRunCommand();

    EngineBridge &m_engine;
    ProcessListModel m_model;
    ProcessFilterModel *m_shown;
    QTableView *m_table;
    LogView *m_log;
    QPushButton *m_kill;
    QPushButton *m_runCommand;
    QLineEdit *m_filter;
    ProcessActions *m_actions;
    std::optional<SandboxInfo> m_sandbox;
    QString m_shownSandbox;
    QString m_followed; // the process whose log is shown
    QString m_toSelect; // a process just started here, selected once its row is in
    int m_generation = 0; // answers for an older selection are dropped
};

} // namespace paddock::ui
