// Value types describing sandboxes.
#pragma once

#include "paddock/resources.h"

#include <QDateTime>
#include <QString>

namespace paddock {

enum class SandboxState { Stopped, Running };

QString sandboxStateName(SandboxState s);

struct SandboxInfo {
    QString id; // stable for the sandbox's life; lower-case, a DNS label
    QString name; // unique, a DNS label; also the hostname inside
    SandboxState state = SandboxState::Stopped;
    QDateTime createdAt;
    QDateTime startedAt; // when the current run began (running sandboxes)
    QString baseImage;
    QString dataDir; // where its own files live on the host
    qint64 initPid = 0; // host pid of paddock-init while running
    ResourceLimits limits; // in force (defaults filled in)
};

struct SandboxSpec {
    QString name; // empty: the ID doubles as the name
    ResourceLimits limits; // fields left 0 get the defaults
};

} // namespace paddock
