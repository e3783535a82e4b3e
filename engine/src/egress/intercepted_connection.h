// One outbound connection from a sandbox, from the moment the engine
// accepts it until it is spliced to its destination or refused:
//
//   where was it going (SO_ORIGINAL_DST; a fake address names the host)
//   → what do the rules say (allow / deny / ask a person)
//   → dial the real destination (host override, resolver + rebinding
//     check, or the forward proxy)
//   → hand both sockets to the splice relay, which checks the TLS server
//     name on the way.
//
// A refused connection is reset (or, when it speaks plain HTTP, answered
// 403 with the reason). Either way the decision is logged. The object
// deletes itself once the connection is handed over or refused; its lease
// (a place under the sandbox's cap, the fake address it was made to) goes
// with it to the gate or the relay, and ends when the connection does.
//
// Thread ownership: the engine thread.
#pragma once

#include "ask_queue.h"
#include "connection_lease.h"
#include "destination.h"
#include "hangup_watch.h"
#include "rule_matcher.h"
#include "paddock/unique_fd.h"

#include "paddock/egress.h"

#include <QObject>
#include <QPointer>
#include <QSocketNotifier>
#include <QTimer>

#include <memory>

namespace paddock::egress {

class SandboxEgress;
class UpstreamDial;
struct Upstream;

class InterceptedConnection : public QObject {
    Q_OBJECT
public:
    InterceptedConnection(SandboxEgress &sandbox, UniqueFd client, ConnectionLease lease);
    ~InterceptedConnection() override;
    void start();

private:
    bool readDestination();
    void waitForRequest(int ms);
    void onFirstBytes();
    void act(const Decision &d);
    void inspect();
    void ask();
    void abandonQuestion();
    void dial();
    void onDialled(Result<Upstream> upstream);
    void refuse(const QString &reason);
    void answerRefusal();
    void reset();
    QString ownerOfClient();
    bool clientSentHttp() const;
    bool clientMaySendHttp() const;
    bool startsTls() const; // its first byte opens a TLS handshake record
    EgressLogEntry entry(EgressVerdict verdict, const QString &reason) const;

    SandboxEgress &m_sandbox;
    UniqueFd m_client;
    ConnectionLease m_lease;
    QHostAddress m_clientAddress;
    quint16 m_clientPort = 0;
    Destination m_dest;
    std::optional<EgressRule> m_rule;
    QString m_process;
    QString m_refusal; // set once refused: the log's reason
    bool m_httpWaited = false; // waited for an HTTP request (see lateHttpCheck)
    UpstreamDial *m_dial = nullptr;
    std::unique_ptr<QSocketNotifier> m_waitForRequest;
    std::unique_ptr<QSocketNotifier> m_firstBytes;
    QTimer m_firstBytesTimer;
    QTimer m_refusalTimer;
    AskTicket m_question; // while a person decides
    QString m_allowedWhy; // what a person's answer said, for the log
    std::unique_ptr<HangupWatch> m_hangup; // while a person decides
};

} // namespace paddock::egress
