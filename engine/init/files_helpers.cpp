#include "files_helpers.h"

#include <signal.h>

#include <algorithm>

namespace paddock::init {

void FilesHelpers::add(pid_t pid, UniqueFd connection)
{
    if (pid > 0)
        m_helpers.push_back({ pid, std::move(connection), -1, false });
}

size_t FilesHelpers::appendPollFds(std::vector<pollfd> &fds) const
{
    // POLLRDHUP only: the helper's requests arriving must not wake PID 1.
    for (const Helper &h : m_helpers)
        fds.push_back({ h.connection.get(), POLLRDHUP, 0 });
    return m_helpers.size();
}

void FilesHelpers::polled(const pollfd *fds, size_t count, int64_t nowMs)
{
    for (size_t i = 0; i < count && i < m_helpers.size(); ++i) {
        Helper &h = m_helpers[i];
        if (!(fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR)) || h.hungUpAtMs >= 0)
            continue;
        h.hungUpAtMs = nowMs;
        h.connection.reset();
    }
}

void FilesHelpers::killOverdue(int64_t nowMs)
{
    for (Helper &h : m_helpers) {
        if (h.killed || h.hungUpAtMs < 0 || nowMs < h.hungUpAtMs + kGraceMs)
            continue;
        // Not reaped yet, so the pid is still this helper's.
        ::kill(h.pid, SIGKILL);
        h.killed = true;
    }
}

int FilesHelpers::msUntilDeadline(int64_t nowMs) const
{
    int64_t next = -1;
    for (const Helper &h : m_helpers)
        if (!h.killed && h.hungUpAtMs >= 0) {
            const int64_t left = std::max<int64_t>(0, h.hungUpAtMs + kGraceMs - nowMs);
            next = next < 0 ? left : std::min(next, left);
        }
    return int(next);
}

bool FilesHelpers::reaped(pid_t pid)
{
    auto it = std::find_if(m_helpers.begin(), m_helpers.end(), [pid](const Helper &h) { return h.pid == pid; });
    if (it == m_helpers.end())
        return false;
    m_helpers.erase(it); // closes PID 1's copy: the engine sees the connection end
    return true;
}

} // namespace paddock::init
