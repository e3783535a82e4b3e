// Terminal tab: several terminals per sandbox, in tabs. Each sandbox keeps
// its own set while another is shown, so switching never ends a shell.
// A shell starts only when the tab is shown for a running sandbox (never
// behind the user's back), and a shown terminal has the keyboard.
#pragma once

#include "sandbox_page.h"

#include "engine_bridge.h"

#include <QHash>

class QLabel;
class QStackedWidget;
class QTabWidget;

namespace paddock::ui {

class TerminalAppearance;
class TerminalPane;
class TerminalView;

class TerminalsPage : public SandboxPage {
    Q_OBJECT
public:
    TerminalsPage(EngineBridge &engine, QWidget *parent = nullptr);
    QString title() const override { return tr("Terminal"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    // Opens a terminal (bash -l) in the shown sandbox and focuses it.
    TerminalView *openTerminal();
    TerminalView *currentTerminal() const;
    TerminalAppearance &appearance() { return *m_appearance; }

protected:
    void showEvent(QShowEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QTabWidget *tabsFor(const QString &sandboxId);
    TerminalPane *currentPane() const;
    void addPageActions();
    void showCurrent();
    void openFirstTerminal();
    void focusCurrentLater();
    void closeTerminal(TerminalPane *pane);

    EngineBridge &m_engine;
    TerminalAppearance *m_appearance;
    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    QHash<QString, QTabWidget *> m_tabs; // by sandbox ID
    std::optional<SandboxInfo> m_shown;
};

} // namespace paddock::ui
