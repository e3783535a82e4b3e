#include "http_gate.h"

#include "egress_service.h"
#include "refusal.h"
#include "sandbox_egress.h"
#include "upstream_dialer.h"

#include <QPointer>

#include <sys/socket.h>

#include <limits>

namespace http = boost::beast::http;

namespace paddock::egress {

namespace {

constexpr size_t kMaxBuffered = 1024 * 1024; // per direction, then the reader waits
constexpr uint32_t kHeaderLimit = 64 * 1024;

// Writes what it can; false when the peer is gone.
bool writeSome(int fd, std::string &pending)
{
    while (!pending.empty()) {
        ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0)
            return errno == EAGAIN;
        pending.erase(0, size_t(n));
    }
    return true;
}

// Reads what there is into `into`; false at the end or on an error.
bool readSome(int fd, std::string &into)
{
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN;
    if (n == 0)
        return false;
    into.append(buf, size_t(n));
    return true;
}

} // namespace

HttpGate::HttpGate(SandboxEgress &sandbox, UniqueFd client, Destination dest, QString process, ConnectionLease lease)
    : QObject(&sandbox)
    , m_sandbox(sandbox)
    , m_client(std::move(client))
    , m_lease(std::move(lease))
    , m_dest(std::move(dest))
    , m_process(std::move(process))
{
}

HttpGate::~HttpGate() = default;

void HttpGate::start()
{
    m_clientRead = std::make_unique<QSocketNotifier>(m_client.get(), QSocketNotifier::Read);
    m_clientWrite = std::make_unique<QSocketNotifier>(m_client.get(), QSocketNotifier::Write);
    connect(m_clientRead.get(), &QSocketNotifier::activated, this, &HttpGate::readClient);
    connect(m_clientWrite.get(), &QSocketNotifier::activated, this, &HttpGate::flush);
    updateNotifiers();
    readClient();
}

void HttpGate::readClient()
{
    if (m_finished)
        return;
    if (!readSome(m_client.get(), m_fromClient))
        m_clientEof = true;
    process();
}

void HttpGate::readUpstream()
{
    if (m_finished)
        return;
    if (!readSome(m_upstream.get(), m_toClient))
        m_upstreamEof = true;
    flush();
}

// Parses and decides as far as the bytes at hand allow.
void HttpGate::process()
{
    bool progress = true;
    while (progress && m_phase != Phase::Closing && m_phase != Phase::Held) {
        switch (m_phase) {
        case Phase::Head: progress = processHead(); break;
        case Phase::Body: progress = processBody(); break;
        case Phase::Tunnel:
            m_toUpstream += m_fromClient;
            m_fromClient.clear();
            progress = false;
            break;
        default: progress = false;
        }
    }
    flush();
}

bool HttpGate::processHead()
{
    if (m_fromClient.empty())
        return false;
    if (!m_parser) {
        m_parser.emplace();
        m_parser->header_limit(kHeaderLimit);
        m_parser->body_limit(std::numeric_limits<std::uint64_t>::max()); // boost::none compares wrongly in 1.74
    }
    boost::beast::error_code ec;
    const size_t used = m_parser->put(boost::asio::buffer(m_fromClient), ec);
    if (ec == http::error::need_more)
        return false;
    if (ec || !m_parser->is_header_done()) {
        refuse(QStringLiteral("not a well-formed HTTP request (%1)").arg(QString::fromStdString(ec.message())));
        return false;
    }
    const auto &req = m_parser->get();
    const std::string_view target(req.target().data(), req.target().size());
    m_request.method = QString::fromStdString(std::string(req.method_string()));
    m_request.path = QString::fromStdString(std::string(target.substr(0, target.find('?'))));
    m_upgrade = m_parser->upgrade() || req.method() == http::verb::connect;
    m_headSize = used;
    decideRequest();
    return m_phase == Phase::Body || m_phase == Phase::Head || m_phase == Phase::Tunnel;
}

bool HttpGate::processBody()
{
    if (m_parser->is_done()) {
        m_parser.reset();
        m_phase = m_upgrade ? Phase::Tunnel : Phase::Head;
        return true;
    }
    if (m_fromClient.empty())
        return false;
    char sink[65536]; // the body is forwarded as sent; what the parser copies here is dropped
    m_parser->get().body().data = sink;
    m_parser->get().body().size = sizeof sink;
    boost::beast::error_code ec;
    const size_t used = m_parser->put(boost::asio::buffer(m_fromClient), ec);
    if (ec && ec != http::error::need_buffer && ec != http::error::need_more) {
        refuse(QStringLiteral("malformed HTTP body (%1)").arg(QString::fromStdString(ec.message())));
        return false;
    }
    m_toUpstream.append(m_fromClient, 0, used);
    m_fromClient.erase(0, used);
    return used > 0 || m_parser->is_done();
}

void HttpGate::decideRequest()
{
    EgressService &svc = m_sandbox.service();
    const QList<EgressRule> &rules = svc.orderedRules(m_sandbox.sandboxId());
    const Decision d = decide(rules, m_dest, svc.asksUnlisted(m_sandbox.sandboxId()), &m_request);
    if (d.action == EgressAction::Allow)
        return allowRequest(d.rule);
    if (d.action == EgressAction::Deny)
        return refuse(d.reason);
    m_phase = Phase::Held;
    QPointer<HttpGate> self(this);
    const std::optional<EgressRule> rule = d.rule;
    svc.askPerson(m_sandbox.sandboxId(), m_dest, m_process, [self, rule](bool allowed, const QString &refusal) {
        if (!self)
            return;
        if (!allowed)
            return self->refuse(refusal);
        self->allowRequest(rule);
        self->process();
    });
}

void HttpGate::allowRequest(const std::optional<EgressRule> &rule)
{
    logRequest(EgressVerdict::Allowed, rule, {});
    m_toUpstream.append(m_fromClient, 0, m_headSize);
    m_fromClient.erase(0, m_headSize);
    m_phase = Phase::Body;
    if (!m_upstream.valid() && !m_dialling)
        dial();
}

void HttpGate::dial()
{
    auto plan = m_sandbox.service().planUpstream(m_sandbox.sandboxId(), m_dest);
    if (!plan)
        return refuse(plan.error().message);
    m_dialling = true;
    m_dial = new UpstreamDial(std::move(*plan), [this](Result<Upstream> r) { onDialled(std::move(r)); }, this);
    m_dial->start();
}

void HttpGate::onDialled(Result<Upstream> r)
{
    m_dialling = false;
    m_dial->deleteLater();
    m_dial = nullptr;
    if (!r)
        return refuse(r.error().message);
    m_upstream = std::move(r->fd);
    m_upstreamDescription = r->description;
    m_upstreamRead = std::make_unique<QSocketNotifier>(m_upstream.get(), QSocketNotifier::Read);
    m_upstreamWrite = std::make_unique<QSocketNotifier>(m_upstream.get(), QSocketNotifier::Write);
    connect(m_upstreamRead.get(), &QSocketNotifier::activated, this, &HttpGate::readUpstream);
    connect(m_upstreamWrite.get(), &QSocketNotifier::activated, this, &HttpGate::flush);
    flush();
}

void HttpGate::flush()
{
    if (m_finished)
        return;
    const bool clientOk = writeSome(m_client.get(), m_toClient);
    const bool upstreamOk = !m_upstream.valid() || writeSome(m_upstream.get(), m_toUpstream);
    if (!clientOk || !upstreamOk)
        return finish();
    if (m_phase == Phase::Closing && m_toClient.empty())
        return finish();
    // Each side's end travels once what came before it is through.
    if (m_clientEof && m_fromClient.empty() && m_toUpstream.empty() && m_upstream.valid() && m_phase != Phase::Held)
        ::shutdown(m_upstream.get(), SHUT_WR);
    if (m_upstreamEof && m_toClient.empty())
        return finish();
    if (m_clientEof && !m_upstream.valid() && !m_dialling && m_phase != Phase::Held)
        return finish();
    updateNotifiers();
}

void HttpGate::updateNotifiers()
{
    if (m_finished)
        return;
    m_clientRead->setEnabled(!m_clientEof && m_phase != Phase::Held && m_phase != Phase::Closing
                             && m_fromClient.size() + m_toUpstream.size() < kMaxBuffered);
    m_clientWrite->setEnabled(!m_toClient.empty());
    if (m_upstream.valid()) {
        m_upstreamRead->setEnabled(!m_upstreamEof && m_toClient.size() < kMaxBuffered);
        m_upstreamWrite->setEnabled(!m_toUpstream.empty());
    }
}

void HttpGate::refuse(const QString &reason)
{
    if (m_phase == Phase::Closing)
        return;
    logRequest(EgressVerdict::Denied, std::nullopt, reason);
    // What the upstream already sent goes first; the refusal ends the connection.
    m_phase = Phase::Closing;
    m_fromClient.clear();
    m_toUpstream.clear();
    m_upstream.reset();
    m_upstreamRead.reset();
    m_upstreamWrite.reset();
    m_toClient += forbiddenResponse(reason);
    flush();
}

void HttpGate::logRequest(EgressVerdict verdict, const std::optional<EgressRule> &rule, const QString &reason)
{
    EgressLogEntry e = decisionEntry(m_sandbox.sandboxId(), m_dest, QStringLiteral("http"), verdict, rule, reason, m_process);
    if (!m_request.method.isEmpty())
        e.request = m_request.method + u' ' + m_request.path;
    e.upstream = m_upstreamDescription;
    m_sandbox.service().decisionLog().record(e);
}

void HttpGate::finish()
{
    if (std::exchange(m_finished, true))
        return;
    m_clientRead.reset();
    m_clientWrite.reset();
    m_upstreamRead.reset();
    m_upstreamWrite.reset();
    if (m_client.valid())
        endGracefully(m_client.get());
    m_client.reset();
    m_upstream.reset();
    deleteLater();
}

} // namespace paddock::egress
