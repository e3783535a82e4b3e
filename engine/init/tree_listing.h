// Everything under a directory, for a watch's resync: what a subscriber
// needs to rebuild its picture of the tree after events were lost.
#pragma once

#include "paddock/wire/file_messages.h"

#include <functional>
#include <string>
#include <vector>

namespace paddock::init {

// Entries carry full paths in `name`; excluded subtrees and kernel views
// (/proc, /sys) are left out. Calls `chunk` as file_ops' listDirectory does.
int listTree(const std::string &root, const std::vector<std::string> &excludes,
             const std::function<void(std::vector<wire::FileInfo> &, bool last)> &chunk);

} // namespace paddock::init
