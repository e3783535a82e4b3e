// What a sandbox's paddock-init refused that would have got around the
// interception (a raw socket, a firewall change): EgressRefusal frames on
// the connection the egress sockets came on (paddock/wire/egress_messages.h).
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/unique_fd.h"

#include "paddock/wire/egress_messages.h"

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace paddock::egress {

class RefusalFeed : public QObject {
    Q_OBJECT
public:
    // `alreadyRead`: bytes read past the hand-over.
    RefusalFeed(UniqueFd conn, wire::FrameParser alreadyRead, QObject *parent = nullptr);

    // Delivers what arrived with the hand-over; later frames as they come.
    void start();

Q_SIGNALS:
    void refused(const paddock::wire::EgressRefusal &r);

private:
    void readMore();
    void deliverFrames();
    void stop(); // the peer closed (an older paddock-init always does) or broke the protocol

    UniqueFd m_conn;
    wire::FrameParser m_parser;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace paddock::egress
