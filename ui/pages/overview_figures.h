// The Overview's figures as text a person reads at a glance. Counts and
// addresses come from the sandbox: the functions bound what they list.
#pragma once

#include "paddock/sandbox_vitals.h"

#include <QDateTime>
#include <QString>

namespace paddock::ui {

// "3 h 12 min", "45 s"; "stopped" when not running.
QString uptimeText(const SandboxInfo &sandbox, const QDateTime &now);
// "8000, 5432 on 127.0.0.1 and 3 more"; "none".
QString listeningText(const ListeningPorts &ports);
// "12.5 MB in 340 files", "more than 1.2 GB (the count stopped at 1,000,000 files)".
QString diskText(const DiskUsage &disk);
// "14 allowed (2 failed), 3 denied in the last hour · 1 waiting for an answer".
QString egressText(const EgressCounts &counts, const QDateTime &now);
QString processesText(const SandboxVitals &vitals);

} // namespace paddock::ui
