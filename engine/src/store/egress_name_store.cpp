#include "egress_name_store.h"

namespace paddock::store {

Result<QHash<quint32, QString>> EgressNameStore::names(const QString &sandboxId)
{
    auto stmt = m_db.prepare("SELECT slot, name FROM egress_names WHERE sandbox_id = ?");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, sandboxId);
    QHash<quint32, QString> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        out.insert(quint32(stmt->integer(0)), stmt->text(1));
    }
}

Result<void> EgressNameStore::saveNames(const QString &sandboxId, const QList<QPair<quint32, QString>> &names)
{
    return m_db.transaction([&]() -> Result<void> {
        for (const auto &[slot, name] : names) {
            auto stmt = m_db.prepare("INSERT OR REPLACE INTO egress_names (sandbox_id, slot, name) VALUES (?, ?, ?)");
            if (!stmt)
                return tl::unexpected(stmt.error());
            stmt->bind(1, sandboxId).bind(2, qint64(slot)).bind(3, name);
            if (auto r = stmt->run(); !r)
                return r;
        }
        return {};
    });
}

Result<QList<HostOverride>> EgressNameStore::overrides()
{
    auto stmt = m_db.prepare("SELECT name, address, port FROM host_overrides ORDER BY name");
    if (!stmt)
        return tl::unexpected(stmt.error());
    QList<HostOverride> out;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return tl::unexpected(row.error());
        if (!*row)
            return out;
        out.append(HostOverride { stmt->text(0), stmt->text(1), quint16(stmt->integer(2)) });
    }
}

Result<void> EgressNameStore::setOverride(const HostOverride &o)
{
    auto stmt = m_db.prepare("INSERT OR REPLACE INTO host_overrides (name, address, port) VALUES (?, ?, ?)");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, o.name).bind(2, o.address).bind(3, qint64(o.port));
    return stmt->run();
}

Result<bool> EgressNameStore::removeOverride(const QString &name)
{
    auto stmt = m_db.prepare("DELETE FROM host_overrides WHERE name = ?");
    if (!stmt)
        return tl::unexpected(stmt.error());
    stmt->bind(1, name);
    if (auto r = stmt->run(); !r)
        return tl::unexpected(r.error());
    return m_db.changes() > 0;
}

} // namespace paddock::store
