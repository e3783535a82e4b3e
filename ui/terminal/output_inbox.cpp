#include "output_inbox.h"

namespace paddock::ui {

bool OutputInbox::push(const QByteArray &bytes)
{
    QMutexLocker lock(&m_mutex);
    m_chunks.push_back(bytes);
    const bool wake = !m_awake;
    m_awake = true;
    return wake;
}

QByteArray OutputInbox::take(qsizetype maxBytes, bool *more)
{
    QMutexLocker lock(&m_mutex);
    QByteArray out;
    while (!m_chunks.empty() && (maxBytes < 0 || out.size() < maxBytes)) {
        QByteArray &chunk = m_chunks.front();
        const qsizetype room = maxBytes < 0 ? chunk.size() : maxBytes - out.size();
        if (chunk.size() <= room) {
            out += chunk;
            m_chunks.pop_front();
        } else {
            out += chunk.first(room);
            chunk.remove(0, room);
        }
    }
    const bool left = !m_chunks.empty();
    if (!left) m_awake = false; // the next chunk wakes the UI side again
    if (more) *more = left;
    return out;
}

} // namespace paddock::ui
