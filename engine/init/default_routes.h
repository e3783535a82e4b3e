#pragma once

#include "status.h"

namespace paddock::init {

// Points the default IPv4 and IPv6 routes at `lo`. The sandbox has no other
// device, so nothing leaves it; the routes only let connect() to an outside
// address get as far as the nftables output hook, which redirects it to the
// engine (a connect with no route fails with ENETUNREACH before any hook).
Status routeEverythingToLoopback();

} // namespace paddock::init
