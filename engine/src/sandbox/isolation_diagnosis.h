// Explains why this machine cannot build a sandbox, and how to fix it.
// Paddock fails closed: it never retries without isolation.
#pragma once

#include <QString>

namespace paddock::sandbox {

// Reads the kernel settings that commonly forbid unprivileged user
// namespaces or overlayfs and returns advice for the user (empty when none
// of them is the culprit). procRoot is for tests.
QString diagnoseIsolationFailure(const QString &failedStep, const QString &procRoot = QStringLiteral("/proc"));

} // namespace paddock::sandbox
