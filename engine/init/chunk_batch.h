// Entries gathered into frames bounded in count and in bytes of paths
// (wire::kMaxChunkTextBytes): a frame past kMaxFrameBody would end the
// connection, and 2,048 paths of 4 KiB are 8 MiB. Used for directory
// listings, tree listings and watch events alike.
#pragma once

#include "paddock/wire/file_messages.h"

#include <functional>
#include <vector>

namespace paddock::init {

template<typename T>
class ChunkBatch {
public:
    using Send = std::function<void(std::vector<T> &)>;

    ChunkBatch(size_t maxEntries, Send send) : m_maxEntries(maxEntries), m_send(std::move(send)) {}

    // Sends what is gathered first when `item` would not fit with it; a
    // single item always goes, however long.
    void add(T item)
    {
        const size_t text = wire::chunkText(item);
        if (!m_batch.empty() && m_text + text > wire::kMaxChunkTextBytes)
            sendFull();
        m_text += text;
        m_batch.push_back(std::move(item));
        if (m_batch.size() == m_maxEntries)
            sendFull();
    }
    // What is gathered and not yet sent: the last chunk.
    std::vector<T> &rest() { return m_batch; }

private:
    void sendFull()
    {
        m_send(m_batch);
        m_batch.clear();
        m_text = 0;
    }

    size_t m_maxEntries;
    Send m_send;
    std::vector<T> m_batch;
    size_t m_text = 0;
};

} // namespace paddock::init
