#include "sandbox_store.h"

namespace paddock::store {

namespace {

constexpr const char *kColumns = "id, name, state, created_at, base_image, init_pid, started_at";

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
    return sb;
}

} // namespace

Result<void> SandboxStore::insert(const SandboxInfo &sb)
{
    auto stmt = m_db.prepare("INSERT INTO sandboxes (id, name, state, created_at, base_image) "
                             "VALUES (?, ?, ?, ?, ?)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, sb.id).bind(2, sb.name).bind(3, sandboxStateName(sb.state));
    stmt->bind(4, sb.createdAt.toMSecsSinceEpoch()).bind(5, sb.baseImage);
    return stmt->run();
}

Result<QList<SandboxInfo>> SandboxStore::all()
{
    auto stmt = m_db.prepare(
        QByteArray("SELECT ").append(kColumns).append(" FROM sandboxes ORDER BY created_at, id").constData());
    if (!stmt)
        return tl::unexpected(stmt.error());
    QList<SandboxInfo> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        out.append(readRow(*stmt));
    }
}

Result<std::optional<SandboxInfo>> SandboxStore::byIdOrName(const QString &key)
{
    // An ID wins over a name, so a name can never shadow another sandbox's ID.
    auto stmt = m_db.prepare(QByteArray("SELECT ")
                                 .append(kColumns)
                                 .append(" FROM sandboxes WHERE id = ?1 OR name = ?1 "
                                         "ORDER BY id = ?1 DESC LIMIT 1")
                                 .constData());
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, key);
    auto row = stmt->step();
    if (!row)
        return tl::unexpected(row.error());
    if (!*row)
        return std::optional<SandboxInfo>();
    return std::optional<SandboxInfo>(readRow(*stmt));
}

Result<void> SandboxStore::setState(const QString &id, SandboxState state, qint64 initPid)
{
    // A run begins when a stopped sandbox starts; re-attaching continues it.
    auto stmt = m_db.prepare("UPDATE sandboxes SET started_at = CASE WHEN ?1 = 'running' "
                             "THEN (CASE WHEN state = 'running' THEN started_at ELSE ?4 END) END, "
                             "state = ?1, init_pid = ?2 WHERE id = ?3");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, sandboxStateName(state)).bind(3, id).bind(4, QDateTime::currentMSecsSinceEpoch());
    if (initPid > 0)
        stmt->bind(2, initPid);
    else
        stmt->bindNull(2);
    return stmt->run();
}

Result<void> SandboxStore::rename(const QString &id, const QString &name)
{
    auto stmt = m_db.prepare("UPDATE sandboxes SET name = ? WHERE id = ?");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, name).bind(2, id);
    return stmt->run();
}

Result<void> SandboxStore::remove(const QString &id)
{
    auto stmt = m_db.prepare("DELETE FROM sandboxes WHERE id = ?");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, id);
    return stmt->run();
}

Result<QString> SandboxStore::takeProcessId(const QString &sandboxId)
{
    auto stmt = m_db.prepare(
        "UPDATE sandboxes SET next_proc = next_proc + 1 WHERE id = ? RETURNING next_proc - 1");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, sandboxId);
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
