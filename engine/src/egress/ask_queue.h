// Connections held while a person decides. Connections to the same
// destination (sandbox, name or address, port) — and, for plain-HTTP
// requests, the same method and path — share one question; each is told
// the answer. A question unanswered by its deadline is answered
// "deny once" for them.
//
// Thread ownership: the engine thread.
#pragma once

#include "paddock/egress.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

namespace paddock::egress {

// One connection's place among a question's waiters (see AskQueue::withdraw).
struct AskTicket {
    QString question; // empty: not asked (no room), already told
    quint64 reply = 0;
};

class AskQueue : public QObject {
    Q_OBJECT
public:
    using Reply = std::function<void(EgressAnswer answer, bool timedOut)>;

    explicit AskQueue(int timeoutMs, QObject *parent = nullptr);

    // True when `q` would join an open question, or its sandbox has fewer
    // than limits::kQuestionsPerSandbox open.
    bool hasRoomFor(const EgressQuestion &q) const;
    // Fills in the question's ID, times and deadline; returns its ID. With
    // no room for it (see hasRoomFor), `reply` is told "deny once" at once
    // and the ID is empty. `ticket` names this reply, for withdraw.
    QString ask(EgressQuestion q, Reply reply, quint64 *ticket = nullptr);
    // The connection behind `ticket` went away: its reply is dropped, never
    // called; a question nobody waits for any more closes as "withdrawn".
    void withdraw(const QString &id, quint64 ticket);
    QList<EgressQuestion> pending() const;
    Result<EgressQuestion> answer(const QString &id, EgressAnswer a);
    // The sandbox stopped: its questions end, denied.
    void dropSandbox(const QString &sandboxId);
    void setTimeoutMs(int ms) { m_timeoutMs = std::max(ms, 1); }

Q_SIGNALS:
    void asked(const paddock::EgressQuestion &q);
    // Answered, timed out, withdrawn or dropped; `outcome` as in
    // egressAnswerName, or "timeout" or "withdrawn".
    void closed(const QString &id, const QString &outcome);

private:
    struct Open {
        EgressQuestion question;
        std::vector<std::pair<quint64, Reply>> replies; // by ticket
    };
    Open close(const QString &id);
    void expire();
    void settle(const QString &id, EgressAnswer a, bool timedOut);

    int m_timeoutMs;
    QHash<QString, Open> m_open; // by question ID
    QHash<QString, QString> m_byDestination; // sandbox|host|address|port|method|path → question ID
    QHash<QString, int> m_perSandbox; // open questions, by sandbox ID
    QTimer m_expiry;
    quint64 m_next = 1;
    quint64 m_nextTicket = 1;
};

} // namespace paddock::egress
