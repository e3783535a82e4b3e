#pragma once

#include "status.h"

namespace paddock::init {

// Sets `lo` up in the sandbox's fresh network namespace (it starts down).
Status bringUpLoopback();

} // namespace paddock::init
