#include "sandbox_status.h"

#include <QCoreApplication>

namespace paddock::ui {

SandboxStatus sandboxStatus(SandboxState state, SandboxActivity activity)
{
    switch (activity) {
    case SandboxActivity::Starting:
        return SandboxStatus::Starting;
    case SandboxActivity::Stopping:
        return SandboxStatus::Stopping;
    case SandboxActivity::Restarting:
        return SandboxStatus::Restarting;
    case SandboxActivity::Deleting:
        return SandboxStatus::Deleting;
    case SandboxActivity::Failed:
        return SandboxStatus::Error;
    case SandboxActivity::None:
        break;
    }
    return state == SandboxState::Running ? SandboxStatus::Running : SandboxStatus::Stopped;
}

bool isTransition(SandboxStatus status)
{
    return status == SandboxStatus::Starting || status == SandboxStatus::Stopping
        || status == SandboxStatus::Restarting || status == SandboxStatus::Deleting;
}

QString sandboxStatusText(SandboxStatus status)
{
    auto tr = [](const char *text) { return QCoreApplication::translate("SandboxStatus", text); };
    switch (status) {
    case SandboxStatus::Stopped:
        return tr("stopped");
    case SandboxStatus::Running:
        return tr("running");
    case SandboxStatus::Starting:
        return tr("starting…");
    case SandboxStatus::Stopping:
        return tr("stopping…");
    case SandboxStatus::Restarting:
        return tr("restarting…");
    case SandboxStatus::Deleting:
        return tr("deleting…");
    case SandboxStatus::Error:
        return tr("error");
    }
    return {};
}

QColor sandboxStatusColour(SandboxStatus status)
{
    // Mid-tone colours read on both the light and the dark palette.
    switch (status) {
    case SandboxStatus::Running:
        return QColor(0x2e, 0xa0, 0x43);
    case SandboxStatus::Stopped:
        return QColor(0x8b, 0x8f, 0x96);
    case SandboxStatus::Error:
        return QColor(0xd6, 0x3a, 0x3a);
    default:
        return QColor(0xe0, 0x9b, 0x1a);
    }
}

} // namespace paddock::ui
