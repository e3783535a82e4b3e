// The main window: the sandbox list on the left, the selected sandbox's
// tabs (SandboxPage) on the right, actions in a toolbar with shortcuts,
// what the engine is doing in the status bar.
#pragma once

#include "engine_bridge.h"
#include "sandbox_list_model.h"

#include <QMainWindow>

class QTabWidget;
class QTableView;

namespace paddock::ui {

class SandboxPage;
class EgressQuestionModel;
class EgressDesktopNotifier;
class EgressQuestionBar;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(EngineBridge &engine, QWidget *parent = nullptr);
    ~MainWindow() override;

    SandboxListModel &sandboxes() { return m_model; }
    QTableView *sandboxView() const { return m_list; }
    QTabWidget *tabs() const { return m_tabs; }
    std::optional<SandboxInfo> selectedSandbox() const;
    EgressQuestionBar *questionBar() const { return m_questionBar; }
    EgressDesktopNotifier *notifier() const { return m_notifier; }

public Q_SLOTS:
    void createSandbox(const QString &name); // empty: an ID-named sandbox
    void startSelected();
    void stopSelected();
    void removeSelected(); // asks first
    void renameSelected(const QString &newName);

private:
    void buildActions();
    void addPage(SandboxPage *page);
    void showSelection();
    bool confirmLeavePages(); // every page agrees to show something else
    void closeEvent(QCloseEvent *event) override;
    void report(const QString &what, const Error &error);
    void restoreSettings();

    EngineBridge &m_engine;
    SandboxListModel m_model;
    QTableView *m_list;
    QTabWidget *m_tabs;
    QList<SandboxPage *> m_pages;
    EgressQuestionModel *m_questions = nullptr;
    EgressQuestionBar *m_questionBar = nullptr;
    EgressDesktopNotifier *m_notifier = nullptr;
    QString m_shownId; // the sandbox the pages show
    QString m_restoreSelection; // the ID selected last session, until it shows up
};

} // namespace paddock::ui
