#include "process_store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVariant>

namespace paddock::store {

namespace {

constexpr const char *kSelect = "SELECT sandbox_id, id, name, argv, pid, state, exit_code, "
                                "signal, started_at, ended_at, cwd, env FROM processes ";

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
    p.cwd = s.text(10);
    p.env = QJsonDocument::fromJson(s.text(11).toUtf8()).toVariant().toStringList();
    return p;
}

} // namespace

Result<void> ProcessStore::insert(const ProcessInfo &p)
{
    const auto json = [](const QStringList &list) {
        return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(list)).toJson(QJsonDocument::Compact));
    };
    return m_db.run("INSERT INTO processes (sandbox_id, id, name, argv, pid, state, started_at, cwd, env) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    p.sandboxId, p.id, p.name.isEmpty() ? std::nullopt : std::optional<QString>(p.name), json(p.argv), p.pid,
                    processStateName(p.state), p.startedAt.toMSecsSinceEpoch(), p.cwd, json(p.env));
}

Result<QList<ProcessInfo>> ProcessStore::forSandbox(const QString &sandboxId)
{
    auto stmt = m_db.prepare(QByteArray(kSelect).append("WHERE sandbox_id = ? ORDER BY started_at, rowid").constData(), sandboxId);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->rows<ProcessInfo>(readRow);
}

Result<qint64> ProcessStore::countRunning(const QString &sandboxId)
{
    auto stmt = m_db.prepare("SELECT COUNT(*) FROM processes WHERE sandbox_id = ? AND state = 'running'", sandboxId);
    if (!stmt)
        return tl::unexpected(stmt.error());
    if (auto row = stmt->step(); !row)
        return tl::unexpected(row.error());
    return stmt->integer(0);
}

Result<std::optional<ProcessInfo>> ProcessStore::byIdOrName(const QString &sandboxId,
                                                            const QString &key)
{
    auto stmt = m_db.prepare(QByteArray(kSelect)
                                 .append("WHERE sandbox_id = ?1 AND (id = ?2 OR name = ?2) "
                                         "ORDER BY id = ?2 DESC, started_at DESC LIMIT 1")
                                 .constData(),
                             sandboxId, key);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->first(readRow);
}

Result<void> ProcessStore::markEnded(const QString &sandboxId, const QString &id,
                                     ProcessState state, const ExitStatus &exit)
{
    return m_db.run("UPDATE processes SET state = ?, exit_code = ?, signal = ?, ended_at = ? "
                    "WHERE sandbox_id = ? AND id = ? AND state = 'running'",
                    processStateName(state), exit.exitCode >= 0 ? std::optional<qint64>(exit.exitCode) : std::nullopt,
                    qint64(exit.signal), QDateTime::currentMSecsSinceEpoch(), sandboxId, id);
}

Result<void> ProcessStore::endAllRunning(const QString &sandboxId, ProcessState state)
{
    return m_db.run("UPDATE processes SET state = ?, ended_at = ? WHERE sandbox_id = ? AND state = 'running'",
                    processStateName(state), QDateTime::currentMSecsSinceEpoch(), sandboxId);
}

} // namespace paddock::store
