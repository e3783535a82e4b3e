// One request of an HTTP/2 connection the H2 gate relays (h2_gate.h):
// the sandbox's stream and, once the request is allowed, the upstream's,
// with what waits to go each way between them.
//
// Thread ownership: the gate's.
#pragma once

#include "h2_request_head.h"
#include "h2_session.h"

#include "egress/ask_queue.h"
#include "egress/byte_queue.h"
#include "egress/connection_lease.h"
#include "egress/http_request_log.h"
#include "egress/inject/secret_redactor.h"

#include "paddock/egress.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace paddock::egress::h2 {

struct H2Stream {
    enum class Stage {
        Head, // its request head is being read
        Queued, // read whole, waits its turn (a slice of decisions, or the request rate)
        Deciding, // a person, or the secrets it gets, are awaited
        Sent, // a stream upstream carries it
        Answered, // Paddock answered it (refused, or failed before it went)
    };

    StreamPlace place; // under its sandbox's stream cap while it lives
    int32_t client = 0; // the sandbox's stream ID
    int32_t upstream = 0; // 0: none (yet, or ever)
    Stage stage = Stage::Head;
    bool heldForRate = false; // counted once among the requests that waited for the rate
    std::optional<EgressRule> rule; // what allowed it
    H2RequestHead request;
    std::unique_ptr<HttpRequestLog> log;
    AskTicket question; // while a person decides it

    // A header block after the head (trailers, or a response) being read.
    H2Fields block;
    size_t blockBytes = 0;
    bool blockTooLarge = false;

    // Sandbox → upstream.
    ByteQueue toUpstream;
    bool requestEnded = false;
    H2Fields requestTrailers;

    // Upstream → sandbox.
    bool responded = false; // the final response's head went to the sandbox
    ByteQueue toClient;
    bool responseEnded = false;
    H2Fields responseTrailers;
    size_t unconsumed = 0; // upstream DATA bytes not yet handed to the sandbox's side
    SecretRedactor redactor; // the values injected, masked in what comes back

    bool clientClosed = false, upstreamClosed = false;
};

} // namespace paddock::egress::h2
