#include "refusal_feed.h"

#include <fcntl.h>
#include <sys/socket.h>

namespace paddock::egress {

RefusalFeed::RefusalFeed(UniqueFd conn, wire::FrameParser alreadyRead, QObject *parent)
    : QObject(parent), m_conn(std::move(conn)), m_parser(std::move(alreadyRead))
{
}

void RefusalFeed::start()
{
    deliverFrames();
    if (!m_conn.valid() || ::fcntl(m_conn.get(), F_SETFL, O_NONBLOCK) != 0)
        return stop();
    m_notifier = std::make_unique<QSocketNotifier>(m_conn.get(), QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &RefusalFeed::readMore);
}

void RefusalFeed::readMore()
{
    char buf[16384];
    ssize_t n = ::recv(m_conn.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        return stop();
    m_parser.append(buf, size_t(n));
    deliverFrames();
}

void RefusalFeed::deliverFrames()
{
    wire::Frame f;
    for (;;) {
        auto status = m_parser.next(f);
        if (status == wire::FrameParser::Status::NeedMore)
            return;
        if (status == wire::FrameParser::Status::Invalid)
            return stop();
        // Another kind of frame is a newer paddock-init's business: skipped.
        wire::EgressRefusal r;
        if (f.type == wire::kEgressRefusalType && wire::decodeMessage(f, r))
            Q_EMIT refused(r);
        else if (f.type == wire::kEgressRefusalType)
            return stop(); // malformed: PID 1 is not speaking the protocol
    }
}

void RefusalFeed::stop()
{
    m_notifier.reset();
    m_conn.reset();
}

} // namespace paddock::egress
