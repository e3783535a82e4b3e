// Processes tab: the sandbox's background processes, the live log of the
// selected one, and kill.
#pragma once

#include "sandbox_page.h"

#include "engine_bridge.h"
#include "process_list_model.h"

#include <QPointer>

class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace paddock {
class LogStream;
}

namespace paddock::ui {

class ProcessesPage : public SandboxPage {
    Q_OBJECT
public:
    ProcessesPage(EngineBridge &engine, QWidget *parent = nullptr);
    ~ProcessesPage() override;
    QString title() const override { return tr("Processes"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    ProcessListModel &model() { return m_model; }
    QPlainTextEdit *logView() const { return m_log; }
    QTableView *table() const { return m_table; }

private:
    void followLog(const ProcessInfo &process);
    void stopFollowing();
    void killSelected();

    EngineBridge &m_engine;
    ProcessListModel m_model;
    QTableView *m_table;
    QPlainTextEdit *m_log;
    QPushButton *m_kill;
    QPointer<LogStream> m_following; // lives on the engine thread
    QString m_shownSandbox;
    int m_generation = 0; // answers for an older selection are dropped
};

} // namespace paddock::ui
