// Glob patterns for watch excludes, matched against a path relative to the
// watched directory: `*` and `?` stay within one component, `**` spans any
// number of them. "node_modules/**" excludes that directory and everything
// below; "*.log" excludes log files at the top; "**/*.log" at any depth.
#pragma once

#include <string>
#include <vector>

namespace paddock::init {

bool globMatch(const std::string &pattern, const std::string &path);

// True when `relPath` (or, for a directory, everything under it) is excluded.
bool isExcluded(const std::vector<std::string> &patterns, const std::string &relPath);

} // namespace paddock::init
