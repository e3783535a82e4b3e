#include "egress_name_store.h"

namespace paddock::store {

Result<QList<QPair<quint32, QString>>> EgressNameStore::names(const QString &sandboxId)
{
    auto stmt = m_db.prepare("SELECT slot, name FROM egress_names WHERE sandbox_id = ? ORDER BY last_used, slot", sandboxId);
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->rows<QPair<quint32, QString>>([](const Statement &s) { return qMakePair(quint32(s.integer(0)), s.text(1)); });
}

Result<void> EgressNameStore::saveNames(const QString &sandboxId, const QList<AnsweredName> &names)
{
    return m_db.transaction([&]() -> Result<void> {
        for (const AnsweredName &n : names) {
            if (auto r = m_db.run("INSERT OR REPLACE INTO egress_names (sandbox_id, slot, name, last_used) VALUES (?, ?, ?, ?)",
                                  sandboxId, qint64(n.slot), n.name, n.answeredAtMs);
                !r)
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
    return stmt->rows<HostOverride>(
        [](const Statement &s) { return HostOverride { s.text(0), s.text(1), quint16(s.integer(2)) }; });
}

Result<void> EgressNameStore::setOverride(const HostOverride &o)
{
    return m_db.run("INSERT OR REPLACE INTO host_overrides (name, address, port) VALUES (?, ?, ?)", o.name, o.address,
                    qint64(o.port));
}

Result<bool> EgressNameStore::removeOverride(const QString &name)
{
    if (auto r = m_db.run("DELETE FROM host_overrides WHERE name = ?", name); !r)
        return tl::unexpected(r.error());
    return m_db.changes() > 0;
}

} // namespace paddock::store
