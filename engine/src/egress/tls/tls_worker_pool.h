// The threads inspected egress does its cryptography on, so the engine
// thread never runs a handshake or encrypts a byte: each worker waits on
// its bridges' sockets (epoll) and pumps the ones that are ready. A new
// bridge goes to the worker with the fewest.
//
// Thread ownership: add() from any thread; bridges live and die on their
// worker. The destructor stops every worker; each bridge still open is
// abandoned (its handshake reported failed) on its worker first.
#pragma once

#include "tls_bridge.h"

#include <memory>
#include <vector>

namespace paddock::egress::tls {

class TlsWorkerPool {
public:
    explicit TlsWorkerPool(int threads);
    ~TlsWorkerPool();
    TlsWorkerPool(const TlsWorkerPool &) = delete;
    TlsWorkerPool &operator=(const TlsWorkerPool &) = delete;

    void add(std::unique_ptr<TlsBridge> bridge);
    // Bridges open now, across workers (for tests and the log).
    int openBridges() const;

private:
    class Worker;
    std::vector<std::unique_ptr<Worker>> m_workers;
};

} // namespace paddock::egress::tls
