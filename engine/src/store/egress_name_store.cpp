#include "egress_name_store.h"

namespace paddock::store {

Result<QHash<quint32, QString>> EgressNameStore::names(const QString &sandboxId)
{
    auto stmt = m_db.prepare("SELECT slot, name FROM egress_names WHERE sandbox_id = ?", sandboxId);
    if (!stmt)
        return tl::unexpected(stmt.error());
    auto rows = stmt->rows<QPair<quint32, QString>>([](const Statement &s) { return qMakePair(quint32(s.integer(0)), s.text(1)); });
    if (!rows)
        return tl::unexpected(rows.error());
    QHash<quint32, QString> out;
    for (const auto &[slot, name] : *rows)
        out.insert(slot, name);
    return out;
}

Result<void> EgressNameStore::saveNames(const QString &sandboxId, const QList<QPair<quint32, QString>> &names)
{
    return m_db.transaction([&]() -> Result<void> {
        for (const auto &[slot, name] : names) {
            if (auto r = m_db.run("INSERT OR REPLACE INTO egress_names (sandbox_id, slot, name) VALUES (?, ?, ?)", sandboxId,
                                  qint64(slot), name);
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
