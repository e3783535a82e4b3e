#include "sandbox_store.h"

namespace paddock::store {

namespace {

constexpr const char *kColumns = "id, name, state, created_at, base_image, init_pid, started_at, cpus, memory_bytes, pids";

SandboxInfo readRow(const Statement &s)
{
    SandboxInfo sb;
    sb.id = s.text(0);
    sb.name = s.text(1);
    sb.state = s.text(2) == QLatin1String("running") ? SandboxState::Running : SandboxState::Stopped;
    sb.createdAt = QDateTime::fromMSecsSinceEpoch(s.integer(3), Qt::UTC);
    sb.baseImage = s.text(4);
    sb.initPid = s.isNull(5) ? 0 : s.integer(5);
    if (!s.isNull(6))
        sb.startedAt = QDateTime::fromMSecsSinceEpoch(s.integer(6), Qt::UTC);
    sb.limits.cpus = s.real(7);
    sb.limits.memoryBytes = s.integer(8);
    sb.limits.pids = s.integer(9);
    return sb;
}

} // namespace

Result<void> SandboxStore::insert(const SandboxInfo &sb)
{
    return m_db.run("INSERT INTO sandboxes (id, name, state, created_at, base_image, cpus, memory_bytes, pids) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    sb.id, sb.name, sandboxStateName(sb.state), sb.createdAt.toMSecsSinceEpoch(), sb.baseImage,
                    sb.limits.cpus, sb.limits.memoryBytes, sb.limits.pids);
}

Result<QList<SandboxInfo>> SandboxStore::all()
{
    auto stmt = m_db.prepare(
        QByteArray("SELECT ").append(kColumns).append(" FROM sandboxes ORDER BY created_at, id").constData());
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->rows<SandboxInfo>(readRow);
}

Result<std::optional<SandboxInfo>> SandboxStore::byIdOrName(const QString &key)
{
    // An ID wins over a name, so a name can never shadow another sandbox's ID.
    auto stmt = m_db.prepare(QByteArray("SELECT ")
                                 .append(kColumns)
                                 .append(" FROM sandboxes WHERE id = ?1 OR name = ?1 "
                                         "ORDER BY id = ?1 DESC LIMIT 1")
                                 .constData(),
                             key);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->first(readRow);
}

Result<void> SandboxStore::setState(const QString &id, SandboxState state, qint64 initPid)
{
    // A run begins when a stopped sandbox starts; re-attaching continues it.
    return m_db.run("UPDATE sandboxes SET started_at = CASE WHEN ?1 = 'running' "
                    "THEN (CASE WHEN state = 'running' THEN started_at ELSE ?4 END) END, "
                    "state = ?1, init_pid = ?2 WHERE id = ?3",
                    sandboxStateName(state), initPid > 0 ? std::optional<qint64>(initPid) : std::nullopt, id,
                    QDateTime::currentMSecsSinceEpoch());
}

Result<void> SandboxStore::rename(const QString &id, const QString &name)
{
    return m_db.run("UPDATE sandboxes SET name = ? WHERE id = ?", name, id);
}

Result<void> SandboxStore::setLimits(const QString &id, const ResourceLimits &limits)
{
    return m_db.run("UPDATE sandboxes SET cpus = ?, memory_bytes = ?, pids = ? WHERE id = ?", limits.cpus,
                    limits.memoryBytes, limits.pids, id);
}

Result<void> SandboxStore::remove(const QString &id)
{
    return m_db.run("DELETE FROM sandboxes WHERE id = ?", id);
}

Result<QString> SandboxStore::takeProcessId(const QString &sandboxId)
{
    auto stmt = m_db.prepare("UPDATE sandboxes SET next_proc = next_proc + 1 WHERE id = ? RETURNING next_proc - 1", sandboxId);
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return fail(ErrorCode::NotFound, QStringLiteral("no sandbox %1").arg(sandboxId));
    QString id = QStringLiteral("p%1").arg(stmt->integer(0));
    if (auto done = stmt->run(); !done)
        return tl::unexpected(done.error());
    return id;
}

} // namespace paddock::store
