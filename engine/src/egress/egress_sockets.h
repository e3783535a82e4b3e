// Fetching a running sandbox's egress sockets from its paddock-init
// (paddock/wire/egress_messages.h): the listening TCP sockets that nftables
// steers every outbound connection to, and the DNS sockets.
#pragma once

#include "paddock/unique_fd.h"

#include "paddock/error.h"
#include "paddock/wire/frame.h"

namespace paddock::egress {

struct EgressSockets {
    UniqueFd tcp4, tcp6, dns, redirectedDns;
    // The connection they came on: paddock-init goes on reporting there what
    // it refused (EgressRefusal frames). `reportsRead` holds what was read
    // past the hand-over. An older paddock-init closes it.
    UniqueFd reports;
    wire::FrameParser reportsRead;
};

// A short blocking exchange on the sandbox's control socket (a local unix
// socket whose peer answers at once); `timeoutMs` bounds a wedged peer.
Result<EgressSockets> fetchEgressSockets(const QString &initSocket, int timeoutMs = 2000);

} // namespace paddock::egress
