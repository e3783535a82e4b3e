#pragma once

#include "status.h"

namespace paddock::init {

// Sets `lo` up in the sandbox's fresh network namespace (it starts down).
Status bringUpLoopback();

// Every TCP connection inside the sandbox runs over loopback (the
// interception relay is the only way out), where a paced congestion control
// such as BBR — often the host's default, which a new namespace inherits —
// only adds timers: measured, it halves loopback throughput. Switches the
// namespace's default to an unpaced one. Best effort: a kernel without
// either keeps its default, which is slower but no less isolated.
void preferUnpacedTcp();

} // namespace paddock::init
