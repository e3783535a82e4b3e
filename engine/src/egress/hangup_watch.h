// Notices that the sandbox's end of a held connection went away — the
// client closed it, shut its sending side, or was killed — while the
// connection waits for a person's answer. Nothing the client sent is taken:
// the socket is polled for POLLRDHUP, which a pending first flight (peeked,
// never read) does not hide, as a readable-notifier would.
//
// A client that gave up must not have its request sent later on its behalf
// (a timed-out `curl -X POST` would still pay), nor leave a question behind
// that nobody needs answered.
//
// Thread ownership: the engine thread.
#pragma once

#include <QObject>
#include <QTimer>

#include <functional>

namespace paddock::egress {

class HangupWatch : public QObject {
    Q_OBJECT
public:
    // Polls `fd` (not owned) until destroyed; `onHangup` runs at most once.
    HangupWatch(int fd, std::function<void()> onHangup, QObject *parent = nullptr);

    // Whether the peer of `fd` has shut its sending side, or the socket failed.
    static bool peerHungUp(int fd);

private:
    void poll();

    int m_fd;
    std::function<void()> m_onHangup;
    QTimer m_timer;
};

} // namespace paddock::egress
