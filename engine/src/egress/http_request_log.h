// The log entries of the requests one HTTP gate decides: a refused request
// is logged once; an allowed one is logged open when it is decided and
// updated with its bytes so far at most once a second while they move, and
// when its response ends (or its tunnel closes) with the bytes sent
// upstream for it, the bytes relayed back and how long it took.
//
// Thread ownership: the engine thread, like the gate that owns it.
#pragma once

#include "destination.h"

#include "paddock/egress.h"

#include <QElapsedTimer>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace paddock::egress {

class SandboxEgress;

// Header fields as the log keeps them: "name: value" per line, values
// cut at kMaxHeaderValue and the whole at kMaxHeaderText bytes.
QString headerLines(const std::vector<std::pair<std::string, std::string>> &fields);

class HttpRequestLog {
public:
    // `protocol`: "http", or "https" for requests read from TLS Paddock terminated.
    HttpRequestLog(SandboxEgress &sandbox, Destination dest, QString process, QString protocol);

    // What the next entry shows beside its request: its HTTP version
    // ("HTTP/1.1", from the head just read) and the secrets injected into
    // it (names only; none unless added after the head: a handler's, then
    // the rule's injections).
    void describeNext(const QString &httpVersion);
    void injectedNext(const QStringList &secrets)
    {
        for (const QString &name : secrets)
            if (!m_secrets.contains(name)) m_secrets.append(name);
    }

    // Why the next entry was allowed when no rule alone says (a person's answer).
    void allowedNext(const QString &why) { m_allowedWhy = why; }

    // `status`: what the sandbox was answered (403, 400…); 0 when nothing.
    void denied(const QString &request, const std::optional<EgressRule> &rule, const QString &reason,
        int status = 0);
    // `note`: something the entry should say about it ("not injected: …").
    void opened(const QString &request, const std::optional<EgressRule> &rule, const QString &upstream,
        const QString &note = {});
    // The fields the next entry's request is sent with (headerLines()).
    void headersNext(const QString &fields) { m_requestHeaders = fields; }
    // The open request's response status, once its head is in, and its fields.
    void responded(int status, const QString &fields = {});
    // The open request never reached the upstream: no secret went anywhere.
    void undelivered();
    void setUpstream(const QString &description);
    void sent(qint64 bytes);
    void relayed(qint64 bytes);
    // Ends the open entry; `note` (why it ended oddly) becomes its reason,
    // and `refused` marks what the gate cut off as denied.
    void closed(const QString &note = {}, bool refused = false);
    // Ends the open entry as allowed but failed: the upstream could not be
    // reached or broke off. Without an open entry (the request was never
    // logged) nothing is recorded.
    void failed(const QString &failure);
    // Something about the last request that came to light after its entry
    // closed (bytes the upstream sent after its response).
    void noteOnLast(const QString &note);
    bool isOpen() const { return m_open.has_value(); }

    static constexpr qint64 kProgressEveryMs = 1000;

private:
    void reportProgress();

    SandboxEgress &m_sandbox;
    Destination m_dest;
    QString m_process;
    QString m_protocol;
    QString m_httpVersion;
    QStringList m_secrets; // for the next entry
    QString m_requestHeaders; // for the next entry
    QString m_allowedWhy; // for the next entry
    std::optional<EgressLogEntry> m_open;
    std::optional<EgressLogEntry> m_last;
    QElapsedTimer m_started;
    QElapsedTimer m_reported; // since the open entry was last sent out
};

} // namespace paddock::egress
