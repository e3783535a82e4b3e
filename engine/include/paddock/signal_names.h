// Signal names as people type them: "TERM", "SIGTERM", "term" or "15".
#pragma once

#include <QString>

#include <optional>

namespace paddock {

std::optional<int> parseSignal(const QString &text);

} // namespace paddock
