#include "egress_log_store.h"

namespace paddock::store {

namespace {

constexpr const char *kColumns = "id, time, sandbox_id, host, address, port, protocol, verdict, rule_id, rule, "
                                 "reason, upstream, bytes_out, bytes_in, duration_ms, process, open, request, failure, "
                                 "status, http_version, secrets, request_headers, response_headers";

EgressLogEntry readEntry(const Statement &s)
{
    EgressLogEntry e;
    e.id = s.integer(0);
    e.time = QDateTime::fromMSecsSinceEpoch(s.integer(1), Qt::UTC);
    e.sandboxId = s.text(2);
    e.host = s.text(3);
    e.address = s.text(4);
    e.port = quint16(s.integer(5));
    e.protocol = s.text(6);
    e.verdict = egressVerdictFromName(s.text(7)).value_or(EgressVerdict::Denied);
    e.ruleId = s.integer(8);
    e.rule = s.text(9);
    e.reason = s.text(10);
    e.upstream = s.text(11);
    e.bytesOut = s.integer(12);
    e.bytesIn = s.integer(13);
    e.durationMs = s.integer(14);
    e.process = s.text(15);
    e.open = s.integer(16) != 0;
    e.request = s.text(17);
    e.failure = s.text(18);
    e.status = int(s.integer(19));
    e.httpVersion = s.text(20);
    e.secrets = s.text(21).split(u',', Qt::SkipEmptyParts);
    e.requestHeaders = s.text(22);
    e.responseHeaders = s.text(23);
    return e;
}

} // namespace

Result<void> EgressLogStore::save(const QList<EgressLogEntry> &entries)
{
    return m_db.transaction([&]() -> Result<void> {
        const std::string sql = std::string("INSERT OR REPLACE INTO egress_log (") + kColumns
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        for (const EgressLogEntry &e : entries) {
            auto stmt = m_db.prepare(sql.c_str());
            if (!stmt)
                return tl::unexpected(stmt.error());
            stmt->bind(1, e.id).bind(2, e.time.toMSecsSinceEpoch()).bind(3, e.sandboxId).bind(4, e.host);
            stmt->bind(5, e.address).bind(6, qint64(e.port)).bind(7, e.protocol);
            stmt->bind(8, egressVerdictName(e.verdict)).bind(9, e.ruleId).bind(10, e.rule);
            stmt->bind(11, e.reason).bind(12, e.upstream).bind(13, e.bytesOut).bind(14, e.bytesIn);
            stmt->bind(15, e.durationMs).bind(16, e.process).bind(17, qint64(e.open ? 1 : 0)).bind(18, e.request);
            stmt->bind(19, e.failure).bind(20, qint64(e.status)).bind(21, e.httpVersion);
            stmt->bind(22, e.secrets.join(u',')); // secret names are letters, digits and '_'
            stmt->bind(23, e.requestHeaders).bind(24, e.responseHeaders);
            if (auto r = stmt->run(); !r)
                return r;
        }
        return {};
    });
}

Result<QList<EgressLogEntry>> EgressLogStore::query(const QString &sandboxId, const EgressLogQuery &q)
{
    std::string sql = std::string("SELECT ") + kColumns + " FROM egress_log WHERE (?1 = '' OR sandbox_id = ?1) "
        "AND (?2 = '' OR verdict = ?2) AND (?3 = '' OR instr(host, ?3) > 0 OR instr(address, ?3) > 0) "
        "AND (?4 = 0 OR id < ?4) AND (?6 = 0 OR failure <> '') AND (?7 = 0 OR port = ?7) "
        "ORDER BY id DESC LIMIT ?5";
    auto stmt = m_db.prepare(sql.c_str(), sandboxId, q.verdict ? egressVerdictName(*q.verdict) : QString(), q.hostContains.toLower(),
                             q.beforeId, qint64(q.limit), int(q.failedOnly), int(q.port));
    if (!stmt)
        return tl::unexpected(stmt.error());
    return stmt->rows<EgressLogEntry>(readEntry);
}

Result<EgressCounts> EgressLogStore::countSince(const QString &sandboxId, const QDateTime &since)
{
    auto stmt = m_db.prepare("SELECT COALESCE(SUM(verdict = 'allowed'), 0), COALESCE(SUM(verdict = 'allowed' AND failure <> ''), 0), "
                             "COALESCE(SUM(verdict = 'denied'), 0) FROM egress_log WHERE sandbox_id = ? AND time >= ?",
                             sandboxId, since.toMSecsSinceEpoch());
    if (!stmt)
        return tl::unexpected(stmt.error());
    if (auto row = stmt->step(); !row)
        return tl::unexpected(row.error());
    EgressCounts c;
    c.since = since;
    c.allowed = stmt->integer(0);
    c.failed = stmt->integer(1);
    c.denied = stmt->integer(2);
    return c;
}

Result<qint64> EgressLogStore::maxId()
{
    auto stmt = m_db.prepare("SELECT COALESCE(MAX(id), 0) FROM egress_log");
    if (!stmt)
        return tl::unexpected(stmt.error());
    if (auto row = stmt->step(); !row)
        return tl::unexpected(row.error());
    return stmt->integer(0);
}

Result<qint64> EgressLogStore::count()
{
    auto stmt = m_db.prepare("SELECT COUNT(*) FROM egress_log");
    if (!stmt)
        return tl::unexpected(stmt.error());
    if (auto row = stmt->step(); !row)
        return tl::unexpected(row.error());
    return stmt->integer(0);
}

// Walks back `keep` rows of the sandbox on egress_log_sandbox (sandbox_id,
// id) and deletes what is older: the cost follows the rows kept and
// deleted, not the table.
Result<qint64> EgressLogStore::pruneSandboxes(const QStringList &sandboxIds, qint64 keep)
{
    qint64 deleted = 0;
    auto r = m_db.transaction([&]() -> Result<void> {
        for (const QString &id : sandboxIds) {
            if (auto r = m_db.run("DELETE FROM egress_log WHERE sandbox_id = ?1 AND id <= (SELECT id FROM egress_log "
                                  "WHERE sandbox_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)",
                                  id, keep);
                !r)
                return r;
            deleted += m_db.changes();
        }
        return {};
    });
    if (!r)
        return tl::unexpected(r.error());
    return deleted;
}

Result<qint64> EgressLogStore::pruneOverall(qint64 keep)
{
    if (auto r = m_db.run("DELETE FROM egress_log WHERE id <= (SELECT id FROM egress_log ORDER BY id DESC LIMIT 1 OFFSET ?)", keep); !r)
        return tl::unexpected(r.error());
    return qint64(m_db.changes());
}

Result<void> EgressLogStore::removeSandbox(const QString &sandboxId)
{
    return m_db.run("DELETE FROM egress_log WHERE sandbox_id = ?", sandboxId);
}

Result<void> EgressLogStore::closeOpenEntries()
{
    return m_db.exec("UPDATE egress_log SET open = 0 WHERE open = 1");
}

} // namespace paddock::store
