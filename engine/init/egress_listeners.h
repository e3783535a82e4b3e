// The sockets the engine serves egress on, opened by PID 1 inside the
// sandbox's network namespace (see paddock/wire/egress_messages.h).
#pragma once

#include "status.h"
#include "paddock/unique_fd.h"

#include "paddock/wire/egress_messages.h"

#include <array>

namespace paddock::init {

struct EgressListeners {
    struct Entry {
        wire::EgressSocket kind;
        UniqueFd fd;
    };
    std::array<Entry, wire::kEgressSocketCount> sockets;
};

// Opens them all; a sandbox without them has no way out at all, so a
// failure here stops the sandbox from starting.
Status openEgressListeners(EgressListeners &out);

// Writes the EgressSockets frame on `conn` with every socket attached.
Status sendEgressListeners(int conn, const EgressListeners &listeners);

} // namespace paddock::init
