// Moves bytes between an intercepted sandbox connection and its upstream,
// both ways, on a thread of its own, without copying them through user
// space: splice(2) from one socket into a pipe and from the pipe into the
// other socket. Half-closes travel (a FIN one way leaves the other open).
//
// The first bytes the sandbox sends can be held back and checked before
// they go anywhere (the TLS server name must match the allowed name): they
// are read into memory until the check passes or refuses, then the rest is
// spliced.
//
// Thread ownership: add() and close() from any thread; checks and the
// `progress` and `finished` callbacks run on the relay's thread.
#pragma once

#include "paddock/unique_fd.h"

#include <QString>

#include <functional>
#include <memory>
#include <string_view>

namespace paddock::egress {

struct FirstFlight {
    enum class Verdict { Pass, NeedMore, Refuse };
    Verdict verdict = Verdict::Pass;
    QString protocol; // "tls", "tcp"… — what the check found
    QString reason; // with Refuse
};
using FirstFlightCheck = std::function<FirstFlight(std::string_view firstBytes)>;

struct RelayTotals {
    qint64 bytesOut = 0; // client → upstream
    qint64 bytesIn = 0; // upstream → client
    QString protocol; // from the first-flight check
    QString refusal; // set when the check refused the connection
    // Set when a socket failed mid-way ("upstream: Connection reset by
    // peer"): the connection ended with an error rather than a close.
    QString error;
};
using RelayFinished = std::function<void(const RelayTotals &)>;
// The totals so far of a connection still open, at most once per
// kProgressEveryMs and only after bytes moved: a download that takes
// minutes shows its bytes while it runs, not only at its end.
using RelayProgress = std::function<void(const RelayTotals &)>;

class SpliceRelay {
public:
    SpliceRelay();
    ~SpliceRelay(); // closes every connection; no callback runs after it returns
    SpliceRelay(const SpliceRelay &) = delete;
    SpliceRelay &operator=(const SpliceRelay &) = delete;

    static constexpr int kProgressEveryMs = 1000;

    // `check` and `progress` may be empty. Returns an ID for close().
    quint64 add(UniqueFd client, UniqueFd upstream, FirstFlightCheck check, RelayFinished finished,
                RelayProgress progress = {});
    // Ends a connection as if both sides had closed; its callback still runs.
    void close(quint64 id);

private:
    class Loop;
    std::unique_ptr<Loop> m_loop;
};

} // namespace paddock::egress
