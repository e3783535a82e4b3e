// Bytes waiting for a socket: appended at the back, taken from the front.
// Taking moves a read position instead of the bytes behind it, so a queue
// that a socket drains a little at a time costs no copy per write (the
// front is compacted away only once it outgrows what is left).
//
// Plain C++ without Qt: the TLS bridges use it on their workers too.
#pragma once

#include <string>
#include <string_view>

namespace paddock::egress {

class ByteQueue {
public:
    size_t size() const { return m_bytes.size() - m_head; }
    bool empty() const { return size() == 0; }
    const char *data() const { return m_bytes.data() + m_head; }
    std::string_view view() const { return std::string_view(data(), size()); }

    void append(std::string_view bytes) { m_bytes.append(bytes); }
    ByteQueue &operator+=(std::string_view bytes)
    {
        append(bytes);
        return *this;
    }
    // The back of the queue, for writers that append to a std::string:
    // whatever they append is queued. Nothing else may be done to it.
    std::string &back() { return m_bytes; }

    void consume(size_t n)
    {
        m_head += n;
        if (m_head == m_bytes.size()) {
            clear();
        } else if (m_head >= 64 * 1024 && m_head >= m_bytes.size() / 2) {
            m_bytes.erase(0, m_head);
            m_head = 0;
        }
    }
    void clear()
    {
        m_bytes.clear();
        m_head = 0;
    }
    // Gives back room the queue once needed beyond what it holds now: a
    // queue that stopped draining would otherwise keep its peak's
    // capacity (twice what it held, at worst), unseen by any budget that
    // counts bytes queued. Not on the fast path: only when a gate has
    // stopped reading.
    void releaseSpare()
    {
        if (m_bytes.capacity() > 2 * size() + kKeptSpare) shrinkToFit();
    }
    // Everything beyond what it holds: for queues kept by the hundred (an
    // HTTP/2 connection's streams), where even releaseSpare's allowance
    // per queue adds up to more than the bytes they hold.
    void shrinkToContents()
    {
        if (m_bytes.capacity() > size() + kKeptWhenEmpty) shrinkToFit();
    }
    // All of it, once nothing is queued: for queues kept by many idle
    // connections (a TLS bridge between requests holds nothing).
    void releaseIfEmpty()
    {
        if (empty() && m_bytes.capacity() > kKeptWhenEmpty) {
            std::string().swap(m_bytes);
            m_head = 0;
        }
    }
    // The memory it holds, used or not.
    size_t footprint() const { return m_bytes.capacity(); }
    static void releaseSpare(std::string &bytes)
    {
        if (bytes.capacity() > 2 * bytes.size() + kKeptSpare) bytes.shrink_to_fit();
    }

private:
    // The bytes taken from the front dropped, and the room beyond the rest.
    void shrinkToFit()
    {
        m_bytes.erase(0, m_head);
        m_head = 0;
        m_bytes.shrink_to_fit();
    }

    static constexpr size_t kKeptSpare = 64 * 1024;
    static constexpr size_t kKeptWhenEmpty = 4 * 1024;
    std::string m_bytes;
    size_t m_head = 0;
};

} // namespace paddock::egress
