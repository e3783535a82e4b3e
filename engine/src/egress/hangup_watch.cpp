#include "hangup_watch.h"

#include "egress_limits.h"

#include <poll.h>

namespace paddock::egress {

HangupWatch::HangupWatch(int fd, std::function<void()> onHangup, QObject *parent)
    : QObject(parent), m_fd(fd), m_onHangup(std::move(onHangup))
{
    connect(&m_timer, &QTimer::timeout, this, &HangupWatch::poll);
    m_timer.start(limits::kHeldHangupPollMs);
}

bool HangupWatch::peerHungUp(int fd)
{
    pollfd p { fd, POLLRDHUP, 0 };
    return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL));
}

void HangupWatch::poll()
{
    if (!peerHungUp(m_fd))
        return;
    m_timer.stop();
    if (auto onHangup = std::exchange(m_onHangup, nullptr))
        onHangup();
}

} // namespace paddock::egress
