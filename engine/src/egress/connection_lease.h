// What one intercepted connection holds of its sandbox, from accept() until
// it ends however it ends (refused, relayed and closed, gated, the sandbox
// detached): a place under the sandbox's connection cap, and the fake
// address it was made to, which the pool must not give another name while
// the connection lives. A ConnectionLease is taken at accept, moved along
// with the connection (into the HTTP gate, or into the relay's finished
// callback) and gives both back when destroyed — nothing can forget to.
//
// The LeaseBook is shared by the sandbox's egress and every lease, so a
// lease that ends after the sandbox's egress was torn down (a relayed
// connection outliving a detach) gives back into something that exists.
//
// Thread ownership: the engine thread. A lease may travel through another
// thread (the relay's) but is only released or destroyed on this one.
#pragma once

#include "fake_ip_pool.h"

#include <cstddef>
#include <memory>
#include <optional>

namespace paddock::egress {

class LeaseBook {
public:
    LeaseBook(int cap, FakeIpPool pool) : m_cap(cap), m_pool(std::move(pool)) { }

    int open() const { return m_open; } // connections accepted and not yet ended
    int cap() const { return m_cap; }
    // Bytes the engine holds in its queues for the sandbox's gated connections.
    size_t buffered() const { return m_buffered; }
    int http2Streams() const { return m_streams; } // open (limits::kHttp2StreamsPerSandbox)
    FakeIpPool &pool() { return m_pool; }

private:
    friend class ConnectionLease;
    friend class StreamPlace;
    void addBuffered(size_t added, size_t removed);

    int m_cap;
    int m_open = 0;
    int m_streams = 0;
    size_t m_buffered = 0;
    bool m_heldMuch = false; // past limits::kGiveBackAfterBytes since the queues were last empty
    FakeIpPool m_pool;
};

// One open HTTP/2 stream's place under its sandbox's stream cap, given
// back when the stream's state goes.
class StreamPlace {
public:
    StreamPlace() = default; // holds nothing
    StreamPlace(StreamPlace &&other) noexcept : m_book(std::move(other.m_book)) { }
    StreamPlace &operator=(StreamPlace &&other) noexcept;
    StreamPlace(const StreamPlace &) = delete;
    StreamPlace &operator=(const StreamPlace &) = delete;
    ~StreamPlace() { release(); }

private:
    friend class ConnectionLease;
    explicit StreamPlace(std::shared_ptr<LeaseBook> book) : m_book(std::move(book)) { }
    void release();
    std::shared_ptr<LeaseBook> m_book;
};

class ConnectionLease {
public:
    ConnectionLease() = default; // holds nothing
    // A place under the cap, or nothing when the sandbox is at it.
    static std::optional<ConnectionLease> take(const std::shared_ptr<LeaseBook> &book);

    ConnectionLease(ConnectionLease &&other) noexcept;
    ConnectionLease &operator=(ConnectionLease &&other) noexcept;
    ConnectionLease(const ConnectionLease &) = delete;
    ConnectionLease &operator=(const ConnectionLease &) = delete;
    ~ConnectionLease() { release(); }

    // The connection was made to this fake address: its name stays while
    // the lease lives. False when the address names nothing.
    bool holdAddress(uint32_t ipv4);
    void release();
    bool valid() const { return bool(m_book); }
    // A place for one more HTTP/2 stream, or nothing when the sandbox has
    // limits::kHttp2StreamsPerSandbox open.
    std::optional<StreamPlace> takeStream() const;

    // The connection's queues now hold `bytes` (limits::kRelayBufferPerSandbox).
    void setBuffered(size_t bytes);
    // How many more bytes one of its directions, holding `queued` of at
    // most `cap`, may read now: up to its cap while the sandbox is under
    // its budget, else only up to limits::kRelayBufferFloor, so each
    // connection keeps moving and the sandbox's sum stays bounded.
    size_t readAllowance(size_t queued, size_t cap) const;
    // Whether that direction waits for the sandbox's budget, not its own cap:
    // then nothing wakes it when room comes back, and it must look again.
    bool heldBySandbox(size_t queued, size_t cap) const { return queued < cap && readAllowance(queued, cap) == 0; }

private:
    explicit ConnectionLease(std::shared_ptr<LeaseBook> book) : m_book(std::move(book)) { }
    std::shared_ptr<LeaseBook> m_book;
    uint32_t m_address = 0; // a held fake address, or 0
    size_t m_buffered = 0; // counted in the book's
};

} // namespace paddock::egress
