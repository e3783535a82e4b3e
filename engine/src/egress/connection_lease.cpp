#include "connection_lease.h"

#include "egress_limits.h"
#include "memory_give_back.h"

#include <algorithm>
#include <utility>

namespace paddock::egress {

std::optional<ConnectionLease> ConnectionLease::take(const std::shared_ptr<LeaseBook> &book)
{
    if (book->m_open >= book->m_cap)
        return std::nullopt;
    ++book->m_open;
    return ConnectionLease(book);
}

ConnectionLease::ConnectionLease(ConnectionLease &&other) noexcept
    : m_book(std::move(other.m_book))
    , m_address(std::exchange(other.m_address, 0))
    , m_buffered(std::exchange(other.m_buffered, 0))
{
}

ConnectionLease &ConnectionLease::operator=(ConnectionLease &&other) noexcept
{
    if (this != &other) {
        release();
        m_book = std::move(other.m_book);
        m_address = std::exchange(other.m_address, 0);
        m_buffered = std::exchange(other.m_buffered, 0);
    }
    return *this;
}

std::optional<StreamPlace> ConnectionLease::takeStream() const
{
    if (!m_book || m_book->m_streams >= limits::kHttp2StreamsPerSandbox) return std::nullopt;
    ++m_book->m_streams;
    return StreamPlace(m_book);
}

StreamPlace &StreamPlace::operator=(StreamPlace &&other) noexcept
{
    if (this != &other) {
        release();
        m_book = std::move(other.m_book);
    }
    return *this;
}

void StreamPlace::release()
{
    if (m_book) --m_book->m_streams;
    m_book.reset();
}

bool ConnectionLease::holdAddress(uint32_t ipv4)
{
    if (!m_book || m_address != 0 || !m_book->m_pool.hold(ipv4))
        return false;
    m_address = ipv4;
    return true;
}

void ConnectionLease::release()
{
    if (!m_book)
        return;
    if (m_address != 0)
        m_book->m_pool.release(std::exchange(m_address, 0));
    --m_book->m_open;
    m_book->addBuffered(0, std::exchange(m_buffered, 0));
    m_book.reset();
}

void ConnectionLease::setBuffered(size_t bytes)
{
    if (!m_book) return;
    m_book->addBuffered(bytes, m_buffered);
    m_buffered = bytes;
}

// A sandbox whose queues held much and are empty again has just freed it.
void LeaseBook::addBuffered(size_t added, size_t removed)
{
    m_buffered = m_buffered - removed + added;
    if (m_buffered >= limits::kGiveBackAfterBytes)
        m_heldMuch = true;
    else if (m_buffered == 0 && std::exchange(m_heldMuch, false))
        giveFreedMemoryBack();
}

size_t ConnectionLease::readAllowance(size_t queued, size_t cap) const
{
    if (queued >= cap) return 0;
    const size_t sandboxUsed = m_book ? m_book->m_buffered : 0;
    const size_t sandboxRoom = limits::kRelayBufferPerSandbox > sandboxUsed ? limits::kRelayBufferPerSandbox - sandboxUsed : 0;
    const size_t floorRoom = limits::kRelayBufferFloor > queued ? limits::kRelayBufferFloor - queued : 0;
    return std::max(floorRoom, std::min(cap - queued, sandboxRoom));
}

} // namespace paddock::egress
