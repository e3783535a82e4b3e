// A plain-HTTP connection whose rules depend on each request's method or
// path: every request head is parsed (Boost.Beast) and decided on its own
// before it and its body go upstream, so a keep-alive connection allowed
// for GET /docs cannot carry a POST /admin after it. Bytes are forwarded
// as the client sent them; responses go back untouched.
//
// A refused request gets a 403 with the reason and the connection closes.
// An upgraded request (WebSocket) or CONNECT, once allowed, turns the
// connection into a plain tunnel.
//
// Thread ownership: the engine thread. Deletes itself when done.
#pragma once

#include "connection_lease.h"
#include "destination.h"
#include "rule_matcher.h"
#include "paddock/unique_fd.h"

#include "paddock/egress.h"

#include <boost/beast/http.hpp>

#include <QObject>
#include <QSocketNotifier>

#include <memory>
#include <optional>
#include <string>

namespace paddock::egress {

class SandboxEgress;
class UpstreamDial;
struct Upstream;

class HttpGate : public QObject {
    Q_OBJECT
public:
    // `lease`: the connection's place under its sandbox's cap; held until the gate is done.
    HttpGate(SandboxEgress &sandbox, UniqueFd client, Destination dest, QString process, ConnectionLease lease);
    ~HttpGate() override;
    void start();

private:
    enum class Phase { Head, Body, Held, Tunnel, Closing };
    using Parser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;

    void readClient();
    void readUpstream();
    void flush();
    void process();
    bool processHead();
    bool processBody();
    void decideRequest();
    void allowRequest(const std::optional<EgressRule> &rule);
    void dial();
    void onDialled(Result<Upstream> r);
    void refuse(const QString &reason);
    void logRequest(EgressVerdict verdict, const std::optional<EgressRule> &rule, const QString &reason);
    void updateNotifiers();
    void finish();

    SandboxEgress &m_sandbox;
    UniqueFd m_client, m_upstream;
    ConnectionLease m_lease;
    Destination m_dest;
    QString m_process;
    QString m_upstreamDescription;
    Phase m_phase = Phase::Head;
    std::optional<Parser> m_parser;
    HttpRequestInfo m_request;
    bool m_upgrade = false;
    size_t m_headSize = 0;
    std::string m_fromClient; // read, not yet parsed
    std::string m_toUpstream, m_toClient; // parsed or relayed, not yet written
    bool m_clientEof = false, m_upstreamEof = false;
    bool m_dialling = false;
    bool m_finished = false;
    UpstreamDial *m_dial = nullptr;
    std::unique_ptr<QSocketNotifier> m_clientRead, m_clientWrite, m_upstreamRead, m_upstreamWrite;
};

} // namespace paddock::egress
