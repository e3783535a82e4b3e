// Terminal tab: several terminals per sandbox, in tabs. Each sandbox keeps
// its own set while another is shown, so switching never ends a shell.
#pragma once

#include "sandbox_page.h"

#include "engine_bridge.h"

#include <QHash>

class QStackedWidget;
class QTabWidget;

namespace paddock::ui {

class TerminalView;

class TerminalsPage : public SandboxPage {
    Q_OBJECT
public:
    TerminalsPage(EngineBridge &engine, QWidget *parent = nullptr);
    QString title() const override { return tr("Terminal"); }
    void showSandbox(const std::optional<SandboxInfo> &sandbox) override;

    // Opens a terminal (bash -l) in the shown sandbox.
    TerminalView *openTerminal();
    TerminalView *currentTerminal() const;

private:
    QTabWidget *tabsFor(const QString &sandboxId);

    EngineBridge &m_engine;
    QStackedWidget *m_stack;
    QHash<QString, QTabWidget *> m_tabs; // by sandbox ID
    std::optional<SandboxInfo> m_shown;
};

} // namespace paddock::ui
