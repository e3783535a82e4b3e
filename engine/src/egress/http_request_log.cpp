#include "http_request_log.h"

#include "egress_service.h"
#include "sandbox_egress.h"

namespace paddock::egress {

HttpRequestLog::HttpRequestLog(SandboxEgress &sandbox, Destination dest, QString process, QString protocol)
    : m_sandbox(sandbox)
    , m_dest(std::move(dest))
    , m_process(std::move(process))
    , m_protocol(std::move(protocol))
{
}

QString headerLines(const std::vector<std::pair<std::string, std::string>> &fields)
{
    constexpr size_t kMaxHeaderValue = 1024, kMaxHeaderText = 16 * 1024;
    std::string text;
    for (const auto &[name, value] : fields) {
        if (text.size() >= kMaxHeaderText) {
            text += "…\n";
            break;
        }
        text += name + ": " + value.substr(0, kMaxHeaderValue) + (value.size() > kMaxHeaderValue ? "…\n" : "\n");
    }
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

void HttpRequestLog::describeNext(const QString &httpVersion)
{
    m_httpVersion = httpVersion;
    m_secrets.clear();
    m_requestHeaders.clear();
}

void HttpRequestLog::responded(int status, const QString &fields)
{
    if (!m_open) return;
    m_open->status = status;
    if (!fields.isEmpty()) m_open->responseHeaders = fields;
}

void HttpRequestLog::undelivered()
{
    if (m_open) m_open->secrets.clear();
}

void HttpRequestLog::denied(
    const QString &request, const std::optional<EgressRule> &rule, const QString &reason, int status)
{
    EgressLogEntry e = decisionEntry(m_sandbox.sandboxId(), m_dest, m_protocol,
        EgressVerdict::Denied, rule, reason, m_process);
    e.request = request;
    e.httpVersion = m_httpVersion;
    e.status = status;
    m_sandbox.service().decisionLog().record(e);
}

void HttpRequestLog::opened(const QString &request, const std::optional<EgressRule> &rule,
    const QString &upstream, const QString &note)
{
    closed();
    const QString why = std::exchange(m_allowedWhy, {});
    EgressLogEntry e = decisionEntry(m_sandbox.sandboxId(), m_dest, m_protocol, EgressVerdict::Allowed, rule,
        why.isEmpty() || note.isEmpty() ? why + note : why + QStringLiteral("; ") + note, m_process);
    e.request = request;
    e.httpVersion = m_httpVersion;
    e.secrets = std::exchange(m_secrets, {});
    e.requestHeaders = std::exchange(m_requestHeaders, {});
    e.upstream = upstream;
    e.open = true;
    m_open = m_sandbox.service().decisionLog().record(e);
    m_started.start();
    m_reported.start(); // the entry just went out
}

void HttpRequestLog::setUpstream(const QString &description)
{
    if (m_open) m_open->upstream = description;
}

void HttpRequestLog::sent(qint64 bytes)
{
    if (!m_open) return;
    m_open->bytesOut += bytes;
    reportProgress();
}

void HttpRequestLog::relayed(qint64 bytes)
{
    if (!m_open) return;
    m_open->bytesIn += bytes;
    reportProgress();
}

// A long body or a tunnel shows its bytes while it runs, once a second:
// the entry is updated (as the relay does for spliced connections).
void HttpRequestLog::reportProgress()
{
    if (m_reported.isValid() && m_reported.elapsed() < kProgressEveryMs) return;
    m_reported.start();
    m_open->durationMs = m_started.elapsed();
    m_sandbox.service().decisionLog().update(*m_open);
}

void HttpRequestLog::closed(const QString &note, bool refused)
{
    if (!m_open) return;
    m_open->open = false;
    m_open->durationMs = m_started.elapsed();
    if (!note.isEmpty()) m_open->reason = note;
    if (refused) m_open->verdict = EgressVerdict::Denied;
    m_sandbox.service().decisionLog().update(*m_open);
    m_last = std::exchange(m_open, std::nullopt);
}

void HttpRequestLog::failed(const QString &failure)
{
    if (!m_open) return;
    m_open->failure = failure;
    closed();
}

void HttpRequestLog::noteOnLast(const QString &note)
{
    if (!m_last) return;
    m_last->reason = m_last->reason.isEmpty() ? note : m_last->reason + QStringLiteral("; ") + note;
    m_sandbox.service().decisionLog().update(*m_last);
}

} // namespace paddock::egress
