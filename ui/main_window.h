// The main window: the sandbox list on the left (searchable, sortable), the
// selected sandbox's tabs (SandboxPage) on the right, or a first-launch
// empty state while there are none; actions in menus, a toolbar and the
// list's context menu, enabled by the selected sandbox's state; what the
// engine is doing in the status bar.
#pragma once

#include "engine_bridge.h"
#include "sandbox_list_model.h"

#include <QMainWindow>

class QLineEdit;
class QMenu;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace paddock::ui {

class SandboxPage;
class EgressQuestionModel;
class EgressDesktopNotifier;
class EgressQuestionBar;
class EmptyState;
class SandboxActions;
class SandboxFilterProxy;
class StoppedPlaceholder;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(EngineBridge &engine, QWidget *parent = nullptr);
    ~MainWindow() override;

    SandboxListModel &sandboxes() { return m_model; }
    QTableView *sandboxView() const { return m_list; }
    QLineEdit *searchBox() const { return m_search; }
    QTabWidget *tabs() const { return m_tabs; }
    EmptyState *emptyState() const { return m_emptyState; }
    SandboxActions &actions() const { return *m_actions; }
    // The placeholder covering page while the selected sandbox is stopped.
    StoppedPlaceholder *placeholderFor(SandboxPage *page) const;
    // The selected row's sandbox; nullopt when no row is selected.
    std::optional<SandboxInfo> selectedSandbox() const;
    bool selectSandbox(const QString &id); // false when there is no such row
    QMenu *sandboxContextMenu(); // the list's context menu, for the selection
    EgressQuestionBar *questionBar() const { return m_questionBar; }
    EgressDesktopNotifier *notifier() const { return m_notifier; }

public Q_SLOTS:
    void createSandbox(const QString &name); // empty: an ID-named sandbox
    void createFirstSandbox(); // then shows its terminal, focused
    void startSelected();
    void stopSelected();
    void restartSelected();
    void removeSelected(); // asks first
    void renameSelected(const QString &newName);
    void openTerminalForSelected();
    void copySelectedId();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    enum class Needs { Anything, RunningSandbox };
    QWidget *buildSandboxList();
    void buildToolbar();
    void buildMenus();
    void addPage(SandboxPage *page, Needs needs);
    void showSelection();
    void updateSelectionState();
    void updateEmptyState();
    void markActivity(const QString &id, SandboxActivity activity, const Error *error = nullptr);
    void focusTerminalPage();
    void stopAllThenClose();
    bool confirmLeavePages(); // every page agrees to show something else
    void report(const QString &what, const Error &error);
    void restoreSettings();

    EngineBridge &m_engine;
    SandboxListModel m_model;
    SandboxFilterProxy *m_proxy;
    QTableView *m_list;
    QLineEdit *m_search = nullptr;
    QStackedWidget *m_right;
    QTabWidget *m_tabs;
    EmptyState *m_emptyState;
    SandboxActions *m_actions = nullptr;
    QList<SandboxPage *> m_pages;
    QHash<SandboxPage *, StoppedPlaceholder *> m_placeholders;
    EgressQuestionModel *m_questions = nullptr;
    EgressQuestionBar *m_questionBar = nullptr;
    EgressDesktopNotifier *m_notifier = nullptr;
    QString m_shownId; // the sandbox the pages show
    QString m_restoreSelection; // the ID selected last session, until it shows up
    bool m_listed = false; // the first listing arrived: no rows now means none at all
    bool m_closeDecided = false; // running sandboxes were stopped or kept: close for real
};

} // namespace paddock::ui
