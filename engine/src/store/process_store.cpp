#include "process_store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVariant>

namespace paddock::store {

namespace {

constexpr const char *kSelect = "SELECT sandbox_id, id, name, argv, pid, state, exit_code, "
                                "signal, started_at, ended_at FROM processes ";

ProcessState stateFromName(const QString &name)
{
    for (ProcessState s : { ProcessState::Running, ProcessState::Exited, ProcessState::Killed,
                            ProcessState::Lost })
        if (processStateName(s) == name)
            return s;
    return ProcessState::Lost;
}

ProcessInfo readRow(const Statement &s)
{
    ProcessInfo p;
    p.sandboxId = s.text(0);
    p.id = s.text(1);
    p.name = s.text(2);
    p.argv = QJsonDocument::fromJson(s.text(3).toUtf8()).toVariant().toStringList();
    p.pid = s.integer(4);
    p.state = stateFromName(s.text(5));
    if (!s.isNull(6) || !s.isNull(7))
        p.exit = ExitStatus { s.isNull(6) ? -1 : int(s.integer(6)), int(s.integer(7)) };
    p.startedAt = QDateTime::fromMSecsSinceEpoch(s.integer(8), Qt::UTC);
    if (!s.isNull(9))
        p.endedAt = QDateTime::fromMSecsSinceEpoch(s.integer(9), Qt::UTC);
    return p;
}

Result<QList<ProcessInfo>> readAll(Statement &stmt)
{
    QList<ProcessInfo> out;
    for (;;) {
        auto row = stmt.step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        out.append(readRow(stmt));
    }
}

} // namespace

Result<void> ProcessStore::insert(const ProcessInfo &p)
{
    auto stmt = m_db.prepare("INSERT INTO processes (sandbox_id, id, name, argv, pid, state, "
                             "started_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    QJsonArray argv = QJsonArray::fromStringList(p.argv);
    stmt->bind(1, p.sandboxId).bind(2, p.id);
    if (p.name.isEmpty())
        stmt->bindNull(3);
    else
        stmt->bind(3, p.name);
    stmt->bind(4, QString::fromUtf8(QJsonDocument(argv).toJson(QJsonDocument::Compact)));
    stmt->bind(5, p.pid).bind(6, processStateName(p.state)).bind(7, p.startedAt.toMSecsSinceEpoch());
    return stmt->run();
}

Result<QList<ProcessInfo>> ProcessStore::forSandbox(const QString &sandboxId)
{
    auto stmt = m_db.prepare(
        QByteArray(kSelect).append("WHERE sandbox_id = ? ORDER BY started_at, rowid").constData());
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, sandboxId);
    return readAll(*stmt);
}

Result<std::optional<ProcessInfo>> ProcessStore::byIdOrName(const QString &sandboxId,
                                                            const QString &key)
{
    auto stmt = m_db.prepare(QByteArray(kSelect)
                                 .append("WHERE sandbox_id = ?1 AND (id = ?2 OR name = ?2) "
                                         "ORDER BY id = ?2 DESC, started_at DESC LIMIT 1")
                                 .constData());
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, sandboxId).bind(2, key);
    auto rows = readAll(*stmt);
    if (!rows)
        return tl::unexpected(rows.error());
    if (rows->isEmpty())
        return std::optional<ProcessInfo>();
    return std::optional<ProcessInfo>(rows->first());
}

Result<void> ProcessStore::markEnded(const QString &sandboxId, const QString &id,
                                     ProcessState state, const ExitStatus &exit)
{
    auto stmt = m_db.prepare("UPDATE processes SET state = ?, exit_code = ?, signal = ?, "
                             "ended_at = ? WHERE sandbox_id = ? AND id = ? AND state = 'running'");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, processStateName(state));
    if (exit.exitCode >= 0)
        stmt->bind(2, qint64(exit.exitCode));
    else
        stmt->bindNull(2);
    stmt->bind(3, qint64(exit.signal)).bind(4, QDateTime::currentMSecsSinceEpoch());
    stmt->bind(5, sandboxId).bind(6, id);
    return stmt->run();
}

Result<void> ProcessStore::endAllRunning(const QString &sandboxId, ProcessState state)
{
    auto stmt = m_db.prepare("UPDATE processes SET state = ?, ended_at = ? "
                             "WHERE sandbox_id = ? AND state = 'running'");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, processStateName(state)).bind(2, QDateTime::currentMSecsSinceEpoch());
    stmt->bind(3, sandboxId);
    return stmt->run();
}

} // namespace paddock::store
