// One tab of the per-sandbox area. A new tab is a new SandboxPage subclass
// added to MainWindow's page list; nothing else changes.
#pragma once

#include "paddock/sandbox.h"

#include <QWidget>

#include <optional>

namespace paddock::ui {

class SandboxPage : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    virtual QString title() const = 0;
    // The selected sandbox changed, or its state did; nullopt when none is selected.
    virtual void showSandbox(const std::optional<SandboxInfo> &sandbox) = 0;
    // Before the page is made to show another sandbox or the window closes:
    // a page holding unsaved work asks; false keeps things as they are.
    virtual bool confirmLeave() { return true; }
};

} // namespace paddock::ui
