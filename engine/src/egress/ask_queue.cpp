#include "ask_queue.h"

#include "egress_limits.h"

#include <algorithm>

namespace paddock::egress {

namespace {

QString destinationKey(const EgressQuestion &q)
{
    // An answer about GET /a is no answer about POST /b: each request its own question.
    return q.sandboxId + u'|' + q.host + u'|' + (q.host.isEmpty() ? q.address : QString()) + u'|'
        + QString::number(q.port) + u'|' + q.method + u'|' + q.path;
}

} // namespace

AskQueue::AskQueue(int timeoutMs, QObject *parent) : QObject(parent), m_timeoutMs(timeoutMs)
{
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, &AskQueue::expire);
}

bool AskQueue::hasRoomFor(const EgressQuestion &q) const
{
    return m_byDestination.contains(destinationKey(q)) || m_perSandbox.value(q.sandboxId) < limits::kQuestionsPerSandbox;
}

QString AskQueue::ask(EgressQuestion q, Reply reply, quint64 *ticket)
{
    const quint64 mine = m_nextTicket++;
    if (ticket)
        *ticket = mine;
    const QString key = destinationKey(q);
    if (auto it = m_byDestination.find(key); it != m_byDestination.end()) {
        m_open[it.value()].replies.emplace_back(mine, std::move(reply));
        return it.value();
    }
    if (!hasRoomFor(q)) {
        reply(EgressAnswer::DenyOnce, false);
        return {};
    }
    ++m_perSandbox[q.sandboxId];
    q.id = QStringLiteral("q%1").arg(m_next++);
    q.askedAt = QDateTime::currentDateTimeUtc();
    q.deadline = q.askedAt.addMSecs(m_timeoutMs);
    m_byDestination.insert(key, q.id);
    Open open { q, {} };
    open.replies.emplace_back(mine, std::move(reply));
    m_open.insert(q.id, std::move(open));
    // The timer serves the earliest deadline; a shorter timeout set since
    // the last question may make this one the earliest.
    if (!m_expiry.isActive() || m_expiry.remainingTime() > m_timeoutMs)
        m_expiry.start(m_timeoutMs);
    Q_EMIT asked(q);
    return q.id;
}

QList<EgressQuestion> AskQueue::pending() const
{
    QList<EgressQuestion> out;
    for (const Open &o : m_open)
        out.append(o.question);
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.askedAt < b.askedAt; });
    return out;
}

Result<EgressQuestion> AskQueue::answer(const QString &id, EgressAnswer a)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
        return fail(ErrorCode::NotFound,
                    QStringLiteral("no pending question '%1' (answered, timed out, withdrawn because its connections closed, or its sandbox stopped)").arg(id));
    EgressQuestion q = it->question;
    settle(id, a, false);
    return q;
}

void AskQueue::dropSandbox(const QString &sandboxId)
{
    QStringList ids;
    for (const Open &o : std::as_const(m_open))
        if (o.question.sandboxId == sandboxId)
            ids << o.question.id;
    for (const QString &id : ids)
        settle(id, EgressAnswer::DenyOnce, false);
}

void AskQueue::withdraw(const QString &id, quint64 ticket)
{
    auto it = m_open.find(id);
    if (it == m_open.end())
        return;
    auto &replies = it->replies;
    replies.erase(std::remove_if(replies.begin(), replies.end(), [ticket](const auto &r) { return r.first == ticket; }),
                  replies.end());
    if (!replies.empty())
        return; // others still wait for this answer
    close(id);
    Q_EMIT closed(id, QStringLiteral("withdrawn"));
}

AskQueue::Open AskQueue::close(const QString &id)
{
    Open open = m_open.take(id);
    m_byDestination.remove(destinationKey(open.question));
    if (--m_perSandbox[open.question.sandboxId] <= 0)
        m_perSandbox.remove(open.question.sandboxId);
    return open;
}

void AskQueue::settle(const QString &id, EgressAnswer a, bool timedOut)
{
    Open open = close(id);
    Q_EMIT closed(id, timedOut ? QStringLiteral("timeout") : egressAnswerName(a));
    for (auto &[ticket, reply] : open.replies)
        reply(a, timedOut);
}

void AskQueue::expire()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QStringList due;
    qint64 nextMs = -1;
    for (const Open &o : std::as_const(m_open)) {
        qint64 left = now.msecsTo(o.question.deadline);
        if (left <= 0)
            due << o.question.id;
        else if (nextMs < 0 || left < nextMs)
            nextMs = left;
    }
    for (const QString &id : due)
        settle(id, EgressAnswer::DenyOnce, true);
    if (nextMs >= 0)
        m_expiry.start(int(nextMs));
}

} // namespace paddock::egress
