// What one sandbox may take of the engine's shared resources, and why each
// number is what it is. A sandbox is attacker-controlled: its connections,
// questions, DNS queries and log lines are sized so that one (or a few)
// flooding at once cannot starve the others or the person at the desktop.
//
// Pure data and arithmetic; the code that enforces each limit names it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace paddock::egress::limits {

// ---- connections: the engine's descriptor budget ---------------------------

// What a relayed connection costs the engine in descriptors: the client
// socket, the upstream socket and a pipe (two ends) each way for splice(2).
// A held or gated connection costs less; counting every one at the most it
// can cost keeps the sum an upper bound.
inline constexpr uint64_t kDescriptorsPerConnection = 6;

// Kept for the engine itself whatever the sandboxes do: SQLite (database,
// WAL, shared memory), the API socket and its clients, each sandbox's
// control and egress sockets, inotify, resolver lookups, helper pipes, and
// in the desktop app the UI and WebEngine (which alone opens a few hundred).
inline constexpr uint64_t kEngineReserveDescriptors = 1024;

// How many sandboxes may flood at once, each holding its whole cap, before
// the budget could run out. Real work rarely needs more than a few dozen
// connections at a time; a run of agents is a handful of sandboxes.
inline constexpr uint64_t kFloodingSandboxes = 8;

// Bounds on the per-sandbox cap. Above 1024 nothing legitimate gains (a
// browser keeps at most 256 connections in all); below 32 a package manager
// fetching in parallel would be refused — then the machine's descriptor
// limit, not Paddock, is what is too small, and accept() pauses on EMFILE.
inline constexpr uint64_t kMaxConnectionsPerSandbox = 1024;
inline constexpr uint64_t kMinConnectionsPerSandbox = 32;

// A sandbox's cap on open plus held connections, from the engine's
// RLIMIT_NOFILE (after raising it): kFloodingSandboxes sandboxes at their
// cap, at kDescriptorsPerConnection each, fit beside the engine's reserve.
constexpr int connectionCap(uint64_t descriptorLimit)
{
    const uint64_t budget = descriptorLimit > kEngineReserveDescriptors ? descriptorLimit - kEngineReserveDescriptors : 0;
    const uint64_t fair = budget / (kDescriptorsPerConnection * kFloodingSandboxes);
    return int(std::clamp(fair, kMinConnectionsPerSandbox, kMaxConnectionsPerSandbox));
}
static_assert(connectionCap(20000) == 395); // this machine's hard limit
static_assert(connectionCap(524288) == 1024); // systemd's default hard limit on desktops
static_assert(connectionCap(1024) == 32); // a limit that could not be raised

// ---- bytes the engine holds for a sandbox's gated connections --------------

// A gated or inspected connection queues what it read until the other side
// takes it (a megabyte or so each way keeps one download at full speed).
// Summed over a sandbox: its connections, and the upstreams they reach,
// choose whether the far side reads, so at the connection cap that could be
// gigabytes of the engine's memory. Past this sum a connection reads only
// up to the floor, which keeps every connection moving (slowly) and bounds
// a sandbox at this plus the floor per connection: 32 MiB + 2 × 64 KiB ×
// 1024 = 160 MiB at the desktop cap, where it was ~2.5 GiB.
inline constexpr size_t kRelayBufferPerSandbox = 32 * 1024 * 1024;
inline constexpr size_t kRelayBufferFloor = 64 * 1024; // per direction of a connection
// The TLS bridges of its inspected connections (two each, on TLS workers)
// queue decrypted and encrypted bytes beside the gate's: up to 256 KiB each
// way per bridge, ~900 MB at the cap when an attacker's connections all
// stall. Summed per sandbox the same way (what the queues' memory is, used
// or not); past it a bridge reads only up to its floor (one TLS record),
// and an empty queue gives its memory back.
inline constexpr size_t kTlsBufferPerSandbox = 32 * 1024 * 1024;
inline constexpr size_t kTlsBufferFloor = 16 * 1024 + 512; // per direction of a bridge
// A sandbox whose queues held this much gives the memory back to the
// system once they are empty again (memory_give_back.h).
inline constexpr size_t kGiveBackAfterBytes = 8 * 1024 * 1024;
// A connection held to the floor looks again this often for room the
// sandbox's other connections gave back.
inline constexpr int kRelayBudgetRetryMs = 20;

// ---- HTTP/2 streams -----------------------------------------------------------

// Open HTTP/2 streams across a sandbox's inspected connections. Each costs
// the engine state the byte budgets above do not count (both sessions'
// stream, the request's head and log entry, its queues' bookkeeping: ~4
// KiB), and a connection may have 100 open, so at the connection cap an
// attacker's stalled uploads held ~160 MB beyond the budgets. A browser or
// a gRPC client keeps one connection of at most 100; twenty such at once
// are far past real work. Past the cap a new stream is refused with
// REFUSED_STREAM, which tells the client it was not processed and may be
// retried; the streams already open go on.
inline constexpr int kHttp2StreamsPerSandbox = 2000;

// ---- HTTP requests -----------------------------------------------------------

// Every request a gate reads is decided, logged (an entry, announced to
// every watcher), perhaps injected and sent upstream, on the engine
// thread; and HTTP/2 lets a client open thousands of streams in one write
// (and reset each at once: CVE-2023-44487, "rapid reset"). Per sandbox, a
// token bucket over both versions: a page load is ~100 requests, a package
// manager's install a few thousand over a minute, a test suite against an
// API a few hundred a second on one keep-alive connection (at 200 a
// second the inspected bench's client was slowed to it). Past it a
// request is not refused: it waits its turn, and its connection is not
// read meanwhile. What each request costs the engine is held by the
// engine-time bucket below; the log writes its rows in bounded turns
// (egress_log.h), so this bounds the log's growth and the watchers' feed.
inline constexpr double kHttpRequestsPerSecond = 2000;
inline constexpr double kHttpRequestBurst = 4000;
// A connection whose request waits its turn looks again this often.
inline constexpr int kHttpRequestRetryMs = 20;

// ---- the engine thread's time -------------------------------------------------

// What a sandbox's gated connections may cost the engine thread: reading,
// parsing, deciding and relaying what both sides send. A token bucket of
// engine time per sandbox: it refills at half a core and holds 25 ms;
// once spent, the sandbox's gates read and decide nothing until it refills
// (kRelayBudgetRetryMs), so a flood of tiny frames holds the engine thread
// at most about that long (plus one read) at a time, and the other
// sandboxes and the desktop keep the rest.
inline constexpr double kGateEngineUsPerSecond = 500'000;
inline constexpr double kGateEngineUsBurst = 25'000;

// A gated connection whose queued bytes have not moved for this long is
// ended (stall_watch.h): no honest peer stops reading for five minutes
// with data waiting, and a stuck one would hold its place under the cap.
inline constexpr int kStalledConnectionMs = 5 * 60 * 1000;

// ---- secrets -----------------------------------------------------------------

// What came back to an injected request ending with the start of a secret
// is masked (it may be a value cut short); but a sandbox that has an
// upstream echo its guesses at the end of a response learns, from which
// guess is masked, a secret one character at a time. An honest upstream
// hardly ever ends that way; past this many, no secret is fetched for the
// sandbox again until it restarts, so a probe learns at most this many
// characters.
inline constexpr size_t kCutShortValuesPerSandbox = 3;

// ---- questions -------------------------------------------------------------

// Distinct destinations one sandbox may have a person asked about at once.
// A person answers a few at a time; a program waits on a handful of hosts.
// More connections to a destination already asked about join its question
// (and count only against the connection cap).
inline constexpr int kQuestionsPerSandbox = 20;

// How often a held connection checks that its client is still there (see
// hangup_watch.h): a request the client gave up on is withdrawn within this
// long, well before a person could answer it. At the connection cap that is
// a few thousand zero-timeout poll(2)s a second, for a sandbox that holds
// hundreds of connections on purpose.
inline constexpr int kHeldHangupPollMs = 200;

// ---- naming the process behind a connection --------------------------------

// Finding it scans /proc (every process's namespace, then the sandbox's
// socket table and descriptors) on the engine thread, at a cost that grows
// with the machine's load and with what the sandbox holds (~3 ms here for
// a quiet sandbox, 10-30 ms with thousands of sockets, 5-10 times that
// under ASan). Per sandbox, at most this many lookups a second, and engine
// time from a bucket that refills at 5% of a core and holds one second: a
// quiet sandbox's questions and denials are named, a flooding one costs the
// others little. Past either, a connection's process is not named (each
// lookup is bounded too: see socket_owner.cpp).
inline constexpr double kOwnerLookupsPerSecond = 50;
inline constexpr double kOwnerLookupUsPerSecond = 50'000;
inline constexpr double kOwnerLookupUsBurst = 1'000'000;

// ---- DNS -------------------------------------------------------------------

// A token bucket per sandbox. Real work is bursty: npm or pip resolving a
// lockfile's hosts, Node (which caches nothing) asking A and AAAA for every
// request, a test suite starting many clients. 500 a second with 2000 saved
// up is far above that and still costs the engine thread about 1% of a core;
// beyond it queries are answered REFUSED.
inline constexpr double kDnsQueriesPerSecond = 500;
inline constexpr double kDnsBurst = 2000;

// The TTL of every answer. The fake address of a name answered less than
// kReuseAddressAfterMs ago may still sit in a program's cache (resolvers
// round up, and a program may connect a while after resolving), so the pool
// never hands it to another name before then — nor while a connection made
// to it lives.
inline constexpr uint32_t kDnsTtlSeconds = 60;
inline constexpr int64_t kReuseAddressAfterMs = 2 * int64_t(kDnsTtlSeconds) * 1000;

// ---- the log ---------------------------------------------------------------

// Refusals of one kind from one sandbox (over its connection cap, question
// cap, DNS rate; a full address pool) are logged as one entry per window.
inline constexpr int kAggregateWindowMs = 1000;

// Log retention per sandbox: a flood from one sandbox prunes only its own
// entries. The global ceiling is only a disk-safety net (~200 bytes a row),
// reached only by more than 25 sandboxes each at their retention.
inline constexpr int64_t kLogEntriesPerSandbox = 20000;
inline constexpr int64_t kLogEntriesOverall = 500000;

} // namespace paddock::egress::limits
